using System.Net.Sockets;
using System.Text;
using GitOps.Testing.Http;
using Xunit;

namespace GitOps.HAProxy.Tests.Fixtures;

public sealed class LoopbackHttpServerTests : IAsyncLifetime
{
    private readonly LoopbackHttpServer _server = new("hello");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task GetStringAsync_AnyPath_AnswersTheBodyAndCounts()
    {
        Assert.Equal("hello", await LoopbackHttpClient.GetStringAsync(_server.Port, "/a"));
        _server.Body = "changed";
        Assert.Equal("changed", await LoopbackHttpClient.GetStringAsync(_server.Port, "/b?c=d"));

        Assert.Equal(2, _server.RequestCount);
        Assert.Equal(2, _server.ConnectionCount);
    }

    [Fact]
    public async Task Serve_KeepAliveRequestsWithBodies_AnswersAllOnOneConnection()
    {
        using var client = new TcpClient();
        await client.ConnectAsync(_server.EndPoint);
        var stream = client.GetStream();
        var requests =
            "POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nabcde" +
            "GET /y HTTP/1.1\r\nHost: t\r\n\r\n" +
            "HEAD /z HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";

        await stream.WriteAsync(Encoding.ASCII.GetBytes(requests));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var answers = await reader.ReadToEndAsync();

        Assert.Equal(3, answers.Split("HTTP/1.1 200 OK\r\n").Length - 1);
        Assert.Equal(2, answers.Split("\r\n\r\nhello").Length - 1);
        Assert.EndsWith("Connection: close\r\n\r\n", answers, StringComparison.Ordinal);
        Assert.Equal(3, _server.RequestCount);
        Assert.Equal(1, _server.ConnectionCount);
    }

    [Fact]
    public async Task Serve_Http10WithoutKeepAlive_ClosesAfterTheAnswer()
    {
        using var client = new TcpClient();
        await client.ConnectAsync(_server.EndPoint);
        var stream = client.GetStream();

        await stream.WriteAsync("OPTIONS / HTTP/1.0\r\n\r\n"u8.ToArray());
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var answer = await reader.ReadToEndAsync();

        Assert.StartsWith("HTTP/1.1 200 OK\r\n", answer, StringComparison.Ordinal);
        Assert.Contains("Connection: close\r\n", answer, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\nhello", answer, StringComparison.Ordinal);
    }
}
