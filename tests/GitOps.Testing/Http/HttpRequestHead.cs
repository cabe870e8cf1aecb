using System.Globalization;

namespace GitOps.Testing.Http;

/// <summary>What <see cref="LoopbackHttpServer"/> needs from a request head: enough to frame and answer it.</summary>
internal sealed record HttpRequestHead(string Method, bool Version10, bool KeepAlive, long ContentLength, bool Chunked)
{
    /// <summary>Parses the request line and headers (the text up to and including the blank line); null when malformed.</summary>
    public static HttpRequestHead? Parse(string head)
    {
        var lines = head.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var requestLine = lines.Length > 0 ? lines[0].Split(' ') : [];
        if (requestLine.Length != 3 || !requestLine[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
        {
            return null;
        }

        var version10 = requestLine[2] == "HTTP/1.0";
        var keepAlive = !version10;
        long contentLength = 0;
        var chunked = false;
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                return null;
            }

            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
            {
                if (value.Contains("close", StringComparison.OrdinalIgnoreCase))
                {
                    keepAlive = false;
                }
                else if (value.Contains("keep-alive", StringComparison.OrdinalIgnoreCase))
                {
                    keepAlive = true;
                }
            }
            else if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
                && !long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out contentLength))
            {
                return null;
            }
            else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                chunked = true;
            }
        }

        return new HttpRequestHead(requestLine[0], version10, keepAlive, contentLength, chunked);
    }
}
