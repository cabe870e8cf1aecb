using Marten.Exceptions;
using Npgsql;
using Xunit;

namespace GitOps.EventStore.Tests;

public sealed class TransientRetryTests
{
    [Fact]
    public void IsTransient_ConnectionLostInsideMartenSaveChanges_IsTransient()
    {
        var lost = new NpgsqlException("Exception while reading from stream", new IOException("Connection reset by peer"));
        using var command = new NpgsqlCommand("insert into gitops.mt_events …");

        Assert.True(TransientRetry.IsTransient(lost));
        Assert.True(TransientRetry.IsTransient(new MartenCommandException(command, lost)));
    }

    [Fact]
    public void IsTransient_StatementRefusedByTheDatabase_IsNot()
    {
        var refused = new NpgsqlException("23514: new row violates check constraint");
        using var command = new NpgsqlCommand("insert into gitops.mt_events …");

        Assert.False(TransientRetry.IsTransient(refused));
        Assert.False(TransientRetry.IsTransient(new MartenCommandException(command, refused)));
        Assert.False(TransientRetry.IsTransient(new InvalidOperationException("not a database failure", new IOException())));
    }

    [Fact]
    public void IsTransient_NoServerOfAMultiHostStringIsAPrimaryYet_IsTransient()
    {
        // What Npgsql throws for Host=a,b;Target Session Attributes=read-write while a replica is being promoted.
        var noPrimary = new NpgsqlException("No suitable host was found.", new AggregateException(new NpgsqlException("Failed to connect to 127.0.0.1:5432", new IOException("Connection refused"))));

        var allRefused = new NpgsqlException("Unable to connect to a suitable host. Check inner exception for more details.", new AggregateException(
            new NpgsqlException("Failed to connect to 127.0.0.1:5432", new IOException("Connection refused")),
            new NpgsqlException("Failed to connect to 127.0.0.1:5433", new IOException("Connection refused"))));
        var oneRefusedLogin = new NpgsqlException("Unable to connect to a suitable host. Check inner exception for more details.", new AggregateException(
            new NpgsqlException("Failed to connect to 127.0.0.1:5432", new IOException("Connection refused")),
            new NpgsqlException("28P01: password authentication failed")));

        Assert.True(TransientRetry.IsTransient(noPrimary));
        Assert.True(TransientRetry.IsTransient(allRefused));
        Assert.True(TransientRetry.IsTransient(new NpgsqlException("No suitable host was found.")));
        Assert.False(TransientRetry.IsTransient(oneRefusedLogin));
        Assert.False(TransientRetry.IsTransient(new NpgsqlException("No suitable host here, but some other failure", new InvalidOperationException())));
    }
}
