using Npgsql;
using NpgsqlTypes;

namespace GitOps.EventStore.ReadModels;

/// <summary>
/// The SQL statements a <see cref="SqlReadModel"/> queues for one batch of events, each with its parameters
/// written as <c>$1</c>, <c>$2</c>, … (a parameter may be used more than once).
/// </summary>
public sealed class SqlStatements
{
    private readonly List<Statement> statements = [];

    internal int Count => statements.Count;

    /// <summary>
    /// Runs the statements in <paramref name="transaction"/> as one round trip. Their texts repeat, so the data source's
    /// automatic preparation plans each once per connection.
    /// </summary>
    internal async Task ExecuteAsync(NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(transaction.Connection, transaction);
        foreach (var statement in statements)
        {
            var command = new NpgsqlBatchCommand(statement.Sql);
            foreach (var value in statement.Values)
            {
                command.Parameters.Add(Parameter(value));
            }

            batch.BatchCommands.Add(command);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Adds one statement; a null value is a text null, an <see cref="NpgsqlParameter"/> is taken as it is (for its type).</summary>
    public void Add(string sql, params object?[] values)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sql);
        ArgumentNullException.ThrowIfNull(values);
        statements.Add(new Statement(sql, values));
    }

    /// <summary>A parameter set to <paramref name="value"/>: a null is a text null, an <see cref="NpgsqlParameter"/> gives its type and value.</summary>
    private static NpgsqlParameter Parameter(object? value) => value switch
    {
        NpgsqlParameter typed => new NpgsqlParameter { NpgsqlDbType = typed.NpgsqlDbType, Value = typed.Value },
        null => new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = DBNull.Value },
        _ => new NpgsqlParameter { Value = value },
    };

    private sealed record Statement(string Sql, object?[] Values);
}
