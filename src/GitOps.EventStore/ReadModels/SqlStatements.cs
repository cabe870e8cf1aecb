using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Npgsql;
using NpgsqlTypes;
using Weasel.Core;
using IStorageOperation = Weasel.Storage.IStorageOperation;
using IStorageSession = Weasel.Storage.IStorageSession;

namespace GitOps.EventStore.ReadModels;

/// <summary>
/// The SQL statements a <see cref="SqlReadModel"/> queues for one batch of events, each with its parameters
/// written as <c>$1</c>, <c>$2</c>, … (a parameter may be used more than once).
/// </summary>
public sealed partial class SqlStatements
{
    private readonly List<Statement> statements = [];

    internal IReadOnlyList<IStorageOperation> All => statements;

    internal int Count => statements.Count;

    /// <summary>
    /// Runs the statements in <paramref name="transaction"/> as one round trip. Their texts repeat, so the data source's
    /// automatic preparation plans each once per connection, which Marten's batch of numbered parameters cannot.
    /// </summary>
    internal async Task ExecuteAsync(NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(transaction.Connection, transaction);
        foreach (var statement in statements)
        {
            batch.BatchCommands.Add(statement.ToBatchCommand());
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

    /// <summary>Each statement's text with '?' placeholders and which value each one takes: read models repeat a few statements.</summary>
    private static readonly ConcurrentDictionary<string, (string Text, int[] Order)> Placeholders = new(StringComparer.Ordinal);

    [GeneratedRegex(@"\$(\d+)")]
    private static partial Regex ParameterReference();

    /// <summary>Marten's builder numbers parameters itself and takes '?' placeholders: one per use of <c>$n</c>.</summary>
    private static (string Text, int[] Order) Convert(string sql)
    {
        var order = new List<int>();
        var text = ParameterReference().Replace(sql, match =>
        {
            order.Add(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) - 1);
            return "?";
        });
        return (text, order.ToArray());
    }

    /// <summary>One statement as a Marten storage operation: Marten batches it with the events' own statements.</summary>
    private sealed class Statement(string sql, object?[] values) : IStorageOperation
    {
        public Type DocumentType => typeof(SqlReadModel);

        public OperationRole Role() => OperationRole.Other;

        public Task PostprocessAsync(System.Data.Common.DbDataReader reader, IList<Exception> exceptions, CancellationToken token) => Task.CompletedTask;

        public NpgsqlBatchCommand ToBatchCommand()
        {
            var command = new NpgsqlBatchCommand(sql);
            foreach (var value in values)
            {
                var parameter = new NpgsqlParameter();
                Fill(parameter, value);
                command.Parameters.Add(parameter);
            }

            return command;
        }

        public void ConfigureCommand(ICommandBuilder builder, IStorageSession session)
        {
            ArgumentNullException.ThrowIfNull(builder);
            var (text, order) = Placeholders.GetOrAdd(sql, Convert);
            var parameters = builder.AppendWithDbParameters(text);
            for (var i = 0; i < parameters.Length; i++)
            {
                Fill((NpgsqlParameter)parameters[i], values[order[i]]);
            }
        }

        /// <summary>Sets <paramref name="target"/> to <paramref name="value"/>: a null is a text null, an <see cref="NpgsqlParameter"/> gives its type and value.</summary>
        private static void Fill(NpgsqlParameter target, object? value)
        {
            switch (value)
            {
                case NpgsqlParameter typed:
                    target.NpgsqlDbType = typed.NpgsqlDbType;
                    target.Value = typed.Value;
                    break;
                case null:
                    target.NpgsqlDbType = NpgsqlDbType.Text;
                    target.Value = DBNull.Value;
                    break;
                default:
                    // Marten's builder hands out parameters typed as text; let Npgsql infer from the value.
                    target.ResetDbType();
                    target.Value = value;
                    break;
            }
        }
    }
}
