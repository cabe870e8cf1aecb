using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace GitOps.Core.Desired.Loading.Yaml;

/// <summary>
/// Resolves plain scalars to null, booleans and numbers as the YAML 1.2 core schema (and so
/// every editor's JSON Schema check) does; quoted scalars are always strings. The loader and
/// the schema agreement test share this so they can never disagree on a value's type.
/// </summary>
internal static class YamlScalars
{
    public static ScalarKind Classify(YamlScalarNode node)
    {
        if (node.Style is not (ScalarStyle.Plain or ScalarStyle.Any))
        {
            return ScalarKind.String;
        }

        var value = node.Value ?? string.Empty;
        return value switch
        {
            "" or "~" or "null" or "Null" or "NULL" => ScalarKind.Null,
            "true" or "True" or "TRUE" or "false" or "False" or "FALSE" => ScalarKind.Boolean,
            _ when IsInteger(value) => ScalarKind.Integer,
            _ when IsFloat(value) => ScalarKind.Float,
            _ => ScalarKind.String,
        };
    }

    public static bool IsNull(YamlNode node) => node is YamlScalarNode scalar && Classify(scalar) == ScalarKind.Null;

    public static bool ParseBoolean(string value) => value is "true" or "True" or "TRUE";

    /// <summary>The integer's value, clamped to the <see cref="long"/> range (range checks report it later).</summary>
    public static long ParseInteger(string value) =>
        long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var result)
            ? result
            : value.StartsWith('-') ? long.MinValue : long.MaxValue;

    public static double ParseFloat(string value) => double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static bool IsInteger(string value)
    {
        var digits = value.AsSpan(value[0] is '-' or '+' ? 1 : 0);
        return digits.Length > 0 && !digits.ContainsAnyExceptInRange('0', '9');
    }

    private static bool IsFloat(string value)
    {
        // [-+]? ( \.[0-9]+ | [0-9]+ ( \.[0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
        var i = value[0] is '-' or '+' ? 1 : 0;
        var mantissaDigits = CountDigits(value, ref i);
        if (i < value.Length && value[i] == '.')
        {
            i++;
            mantissaDigits += CountDigits(value, ref i);
        }

        if (mantissaDigits == 0)
        {
            return false;
        }

        if (i < value.Length && value[i] is 'e' or 'E')
        {
            i++;
            if (i < value.Length && value[i] is '-' or '+')
            {
                i++;
            }

            if (CountDigits(value, ref i) == 0)
            {
                return false;
            }
        }

        return i == value.Length;
    }

    private static int CountDigits(string value, ref int index)
    {
        var start = index;
        while (index < value.Length && char.IsAsciiDigit(value[index]))
        {
            index++;
        }

        return index - start;
    }
}
