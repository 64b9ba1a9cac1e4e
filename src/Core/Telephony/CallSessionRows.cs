using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using System.Reflection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using WebTicketing.Core.Data;

namespace WebTicketing.Core.Telephony;

/// <summary>
/// Reads and writes a call's session row with plain commands, outside EF's query and update pipelines: every IVR
/// webhook does both, and through EF they were two thirds of a step's CPU (profiled under the bench replay; see
/// bench/README). On SQLite the statements run on connections of their own, kept open with the statements prepared:
/// taking a connection from Microsoft.Data.Sqlite's pool (a process-wide lock, EF's SQL functions registered again)
/// and preparing each statement cost as much again. One writer connection is enough, because the write gate lets one
/// write at a time through anyway.
/// <para>
/// The columns, their names and their conversions come from the EF model, so a new property is stored with no change
/// here; and the rules are EF's: the row's <see cref="CallSession.Version"/> is checked and bumped, a lost race throws
/// <see cref="DbUpdateConcurrencyException"/> (a duplicate insert <see cref="DbUpdateException"/>), writes take the
/// write gate, and what waits for a commit (<see cref="WebTicketingDb.WhenCommitted"/>) runs after this one.
/// </para>
/// </summary>
public sealed class CallSessionRows : IDisposable
{
    /// <summary>
    /// Reader connections, each opened once and kept. A read is a few microseconds of CPU, so more than a couple per
    /// core only adds connections; and opening them on demand and closing them after a burst made the writer meet
    /// SQLITE_BUSY (and Microsoft.Data.Sqlite's 150 ms sleep) while a new connection read the WAL index.
    /// </summary>
    private static readonly int Readers = Math.Max(4, 2 * Environment.ProcessorCount);

    private readonly ConcurrentDictionary<IModel, Shape> shapes = new();
    private readonly string? sqliteConnectionString;
    private readonly ConcurrentQueue<SqliteStatements> idleReaders = new();
    private readonly SemaphoreSlim readerTurns = new(Readers, Readers);
    private SqliteStatements? writer;
    private bool disposed;

    /// <param name="sqliteConnectionString">The database's, when it is SQLite; PostgreSQL runs the statements on the context's connection.</param>
    public CallSessionRows(string? sqliteConnectionString)
    {
        this.sqliteConnectionString = sqliteConnectionString is null
            ? null
            : new SqliteConnectionStringBuilder(sqliteConnectionString) { Pooling = false }.ToString();
    }

    /// <summary>The call's session, not tracked by <paramref name="db"/>.</summary>
    public async Task<CallSession?> FindAsync(WebTicketingDb db, string callSid, CancellationToken cancellationToken)
    {
        var shape = ShapeOf(db);
        if (OwnConnections(db))
        {
            await readerTurns.WaitAsync(cancellationToken);
            try
            {
                var reader = idleReaders.TryDequeue(out var idle) ? idle : Open(shape, forWrites: false);
                try
                {
                    var session = reader.Find(shape, callSid);
                    if (disposed)
                    {
                        reader.Dispose();
                    }
                    else
                    {
                        idleReaders.Enqueue(reader);
                    }
                    return session;
                }
                catch
                {
                    reader.Dispose();
                    throw;
                }
            }
            finally
            {
                readerTurns.Release();
            }
        }
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = Command(db, shape.Select);
            command.Parameters.Add(shape.Key.Mapping.CreateParameter(command, "@key", callSid, nullable: false));
            await using var rows = await command.ExecuteReaderAsync(CommandBehavior.SingleRow, cancellationToken);
            return await rows.ReadAsync(cancellationToken) ? shape.Materialize(rows) : null;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>Stores a session no row exists for yet.</summary>
    public Task InsertAsync(WebTicketingDb db, CallSession session, CancellationToken cancellationToken) =>
        WriteAsync(db, session, insert: true, cancellationToken);

    /// <summary>
    /// Stores the session over the version it was read at and moves it to the next version; when another webhook
    /// stored the call in between, throws <see cref="DbUpdateConcurrencyException"/> and changes nothing.
    /// </summary>
    public async Task UpdateAsync(WebTicketingDb db, CallSession session, CancellationToken cancellationToken)
    {
        session.Version++;
        try
        {
            await WriteAsync(db, session, insert: false, cancellationToken);
        }
        catch
        {
            session.Version--;
            throw;
        }
    }

    private async Task WriteAsync(WebTicketingDb db, CallSession session, bool insert, CancellationToken cancellationToken)
    {
        var shape = ShapeOf(db);
        int written;
        try
        {
            if (OwnConnections(db))
            {
                using (await db.EnterWriteGateAsync(cancellationToken))
                {
                    written = WriteOnOwnConnection(shape, session, insert);
                }
            }
            else
            {
                written = await WriteOnContextConnectionAsync(db, shape, session, insert, cancellationToken);
            }
        }
        catch (DbException e) when (IsDuplicateKey(e))
        {
            throw new DbUpdateException("Another webhook stored this call's session first.", e);
        }
        if (written != 1)
        {
            throw new DbUpdateConcurrencyException("Another webhook stored this call's session first.");
        }
        if (db.Database.CurrentTransaction is null)
        {
            db.RunWhenCommitted();
        }
    }

    /// <summary>Under the write gate: nobody else uses the writer meanwhile.</summary>
    private int WriteOnOwnConnection(Shape shape, CallSession session, bool insert)
    {
        writer ??= Open(shape, forWrites: true);
        try
        {
            return writer.Write(shape, session, insert);
        }
        catch (SqliteException e) when (!IsDuplicateKey(e))
        {
            // A connection in an unknown state is not kept: the next write opens a new one.
            writer.Dispose();
            writer = null;
            throw;
        }
    }

    private static async Task<int> WriteOnContextConnectionAsync(WebTicketingDb db, Shape shape, CallSession session, bool insert, CancellationToken cancellationToken)
    {
        // Inside a write transaction the gate is already held; outside one, PostgreSQL's gate is open anyway.
        using (db.Database.CurrentTransaction is null ? await db.EnterWriteGateAsync(cancellationToken) : null)
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
            try
            {
                await using var command = Command(db, insert ? shape.Insert : shape.Update);
                shape.Bind(command, session, insert);
                return await command.ExecuteNonQueryAsync(cancellationToken);
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        }
    }

    /// <summary>SQLite outside a transaction of the context's: a transaction's statements must run on its connection.</summary>
    private bool OwnConnections(WebTicketingDb db) => sqliteConnectionString is not null && db.Database.CurrentTransaction is null;

    private SqliteStatements Open(Shape shape, bool forWrites)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        return new SqliteStatements(sqliteConnectionString!, shape, forWrites);
    }

    public void Dispose()
    {
        disposed = true;
        writer?.Dispose();
        while (idleReaders.TryDequeue(out var reader))
        {
            reader.Dispose();
        }
    }

    private static DbCommand Command(WebTicketingDb db, string sql)
    {
        var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        return command;
    }

    private static bool IsDuplicateKey(DbException e) => e switch
    {
        SqliteException sqlite => sqlite.SqliteExtendedErrorCode == 1555, // SQLITE_CONSTRAINT_PRIMARYKEY
        PostgresException postgres => postgres.SqlState == PostgresErrorCodes.UniqueViolation,
        _ => false,
    };

    private Shape ShapeOf(WebTicketingDb db) => shapes.GetOrAdd(db.Model, model => new Shape(model));

    /// <summary>An open SQLite connection with its statements prepared once.</summary>
    private sealed class SqliteStatements : IDisposable
    {
        private readonly SqliteConnection connection;
        private readonly SqliteCommand? select;
        private readonly SqliteCommand? insert;
        private readonly SqliteCommand? update;

        public SqliteStatements(string connectionString, Shape shape, bool forWrites)
        {
            connection = new SqliteConnection(connectionString);
            try
            {
                connection.Open();
                // What SqlitePragmas sets on the context's connections (WAL is the file's, the rest per connection).
                using (var pragmas = connection.CreateCommand())
                {
                    pragmas.CommandText = "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;";
                    pragmas.ExecuteNonQuery();
                }
                if (forWrites)
                {
                    insert = Prepare(shape.Insert, command => shape.Bind(command, null, insert: true));
                    update = Prepare(shape.Update, command => shape.Bind(command, null, insert: false));
                }
                else
                {
                    select = Prepare(shape.Select, command => command.Parameters.Add(shape.Key.Mapping.CreateParameter(command, "@key", null, nullable: false)));
                }
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }

        public CallSession? Find(Shape shape, string callSid)
        {
            select!.Parameters[0].Value = callSid;
            using var rows = select.ExecuteReader(CommandBehavior.SingleRow);
            return rows.Read() ? shape.Materialize(rows) : null;
        }

        public int Write(Shape shape, CallSession session, bool insert)
        {
            var command = insert ? this.insert! : update!;
            shape.SetValues(command, session, insert);
            return command.ExecuteNonQuery();
        }

        private SqliteCommand Prepare(string sql, Action<SqliteCommand> addParameters)
        {
            var command = connection.CreateCommand();
            command.CommandText = sql;
            addParameters(command);
            command.Prepare();
            return command;
        }

        public void Dispose()
        {
            select?.Dispose();
            insert?.Dispose();
            update?.Dispose();
            connection.Dispose();
        }
    }

    /// <summary>A mapped property: its column, its type mapping (conversions included) and how to read it.</summary>
    private sealed record Column(string Name, PropertyInfo Property, RelationalTypeMapping Mapping, Func<DbDataReader, int, object> Read);

    /// <summary>The statements and columns for one model (SQLite's and PostgreSQL's differ in their conversions).</summary>
    private sealed class Shape
    {
        public Shape(IModel model)
        {
            var entity = model.FindEntityType(typeof(CallSession))!;
            var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
            Columns = entity.GetProperties().Select(p => ColumnOf(p, table)).ToArray();
            Key = Columns.Single(c => c.Property.Name == nameof(CallSession.CallSid));
            Version = Columns.Single(c => c.Property.Name == nameof(CallSession.Version));
            var name = Quote(table.Name);
            var list = string.Join(", ", Columns.Select(c => Quote(c.Name)));
            Select = $"SELECT {list} FROM {name} WHERE {Quote(Key.Name)} = @key";
            Insert = $"INSERT INTO {name} ({list}) VALUES ({string.Join(", ", Columns.Select((_, i) => $"@p{i}"))})";
            Update = $"UPDATE {name} SET {string.Join(", ", Columns.Select((c, i) => (c, i)).Where(x => x.c != Key).Select(x => $"{Quote(x.c.Name)} = @p{x.i}"))} "
                + $"WHERE {Quote(Key.Name)} = @p{Array.IndexOf(Columns, Key)} AND {Quote(Version.Name)} = @readAt";
        }

        public Column[] Columns { get; }
        public Column Key { get; }
        public Column Version { get; }
        public string Select { get; }
        public string Insert { get; }
        public string Update { get; }

        public CallSession Materialize(DbDataReader reader)
        {
            // The required members are set just below, from the row like every other column.
            var session = new CallSession { CallSid = null!, Step = null! };
            for (var i = 0; i < Columns.Length; i++)
            {
                var column = Columns[i];
                if (!reader.IsDBNull(i))
                {
                    var value = column.Read(reader, i);
                    column.Property.SetValue(session, column.Mapping.Converter is { } converter ? converter.ConvertFromProvider(value) : value);
                }
            }
            return session;
        }

        /// <summary>Adds the parameters of an insert or an update, with the session's values (none yet for a statement to prepare).</summary>
        public void Bind(DbCommand command, CallSession? session, bool insert)
        {
            for (var i = 0; i < Columns.Length; i++)
            {
                var column = Columns[i];
                var value = session is null ? null : column.Property.GetValue(session);
                command.Parameters.Add(column.Mapping.CreateParameter(command, $"@p{i}", value, nullable: true));
            }
            if (!insert)
            {
                command.Parameters.Add(Version.Mapping.CreateParameter(command, "@readAt", session is null ? null : session.Version - 1, nullable: false));
            }
        }

        /// <summary>The session's values into the parameters <see cref="Bind"/> added.</summary>
        public void SetValues(DbCommand command, CallSession session, bool insert)
        {
            for (var i = 0; i < Columns.Length; i++)
            {
                var column = Columns[i];
                var value = column.Property.GetValue(session);
                if (value is not null && column.Mapping.Converter is { } converter)
                {
                    value = converter.ConvertToProvider(value);
                }
                else if (value is Enum)
                {
                    value = Convert.ChangeType(value, Enum.GetUnderlyingType(value.GetType()));
                }
                command.Parameters[i].Value = value ?? DBNull.Value;
            }
            if (!insert)
            {
                command.Parameters[Columns.Length].Value = session.Version - 1;
            }
        }

        private static Column ColumnOf(IProperty property, StoreObjectIdentifier table)
        {
            var mapping = (RelationalTypeMapping)property.GetTypeMapping();
            var stored = mapping.Converter?.ProviderClrType ?? mapping.ClrType;
            var read = typeof(Shape).GetMethod(nameof(ReadAs), BindingFlags.NonPublic | BindingFlags.Static)!
                .MakeGenericMethod(Nullable.GetUnderlyingType(stored) ?? stored)
                .CreateDelegate<Func<DbDataReader, int, object>>();
            return new Column(property.GetColumnName(table)!, property.PropertyInfo!, mapping, read);
        }

        private static object ReadAs<T>(DbDataReader reader, int ordinal) => reader.GetFieldValue<T>(ordinal)!;

        private static string Quote(string identifier) => $"\"{identifier}\"";
    }
}
