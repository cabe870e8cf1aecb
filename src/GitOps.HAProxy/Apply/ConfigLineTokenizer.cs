using System.Text;

namespace GitOps.HAProxy.Apply;

/// <summary>
/// Splits one HAProxy configuration line into words the way HAProxy does for comparison purposes:
/// blanks separate words, quotes and backslashes protect blanks and <c>#</c>, and an unprotected
/// <c>#</c> starts a comment that is dropped. Words keep their quotes, so a word can be sent back verbatim.
/// </summary>
internal static class ConfigLineTokenizer
{
    public static List<string> Split(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        char? quote = null;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c == '\\' && quote != '\'' && i + 1 < line.Length)
            {
                word.Append(c).Append(line[++i]);
            }
            else if (quote is not null)
            {
                word.Append(c);
                if (c == quote)
                {
                    quote = null;
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
                word.Append(c);
            }
            else if (c == '#')
            {
                break;
            }
            else if (c is ' ' or '\t' or '\r')
            {
                Flush(words, word);
            }
            else
            {
                word.Append(c);
            }
        }

        Flush(words, word);
        return words;
    }

    private static void Flush(List<string> words, StringBuilder word)
    {
        if (word.Length > 0)
        {
            words.Add(word.ToString());
            word.Clear();
        }
    }
}
