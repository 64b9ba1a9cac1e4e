using System.Data;
using System.Data.Common;
using System.Linq.Expressions;
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
/// bench/README).
/// <para>
/// On SQLite both run on one connection of this class's, kept open with its statements prepared, in turn under the
/// write gate. Measured against the alternatives: a pooled connection per statement paid Microsoft.Data.Sqlite's
/// pool lock, EF's SQL functions registered again and both statements prepared again, as much as EF itself; separate
/// reader connections re-read every page they touched after each write (SQLite drops a connection's page cache when
/// another connection changed the file), while this one's cache stays valid because it is the one writing. SQLite's
/// own busy handler waits out another process's write in small steps, where Microsoft.Data.Sqlite's retry sleeps
/// 150 ms.
/// </para>
/// <para>
/// Reads and writes that arrive while the connection is busy queue, and run next as one batch in one transaction
/// under the write gate: concurrent webhooks share its file locks and its commit, and the pages they change are
/// written to the WAL once. Measured against one gated statement at a time, alternating runs of the bench replay:
/// 10.2–11.5k vs 6.8–9.1k steps/s at 32 connections, p99 at 100 connections 15.9–19.4 vs 20.1–24.0 ms.
/// </para>
/// <para>
/// The columns, their names and their conversions come from the EF model, so a new property is stored with no change
/// here; and the rules are EF's: the row's <see cref="CallSession.Version"/> is checked and bumped, a lost race throws
/// <see cref="DbUpdateConcurrencyException"/> (a duplicate insert <see cref="DbUpdateException"/>), writes take the
/// write gate, and what waits for a commit (<see cref="WebTicketingDb.WhenCommitted"/>) runs after this one.
/// </para>
/// </summary>
public sealed class CallSessionRows : IDisposable
{
    private readonly string? sqliteConnectionString;
    private readonly WriteGate writeGate;
    private readonly Lock connectionTurn = new();
    private readonly Queue<Turn> waiting = new();
    private bool draining;
    private Shape? shape;
    private SqliteStatements? statements;
    private bool disposed;

    /// <param name="sqliteConnectionString">The database's, when it is SQLite; PostgreSQL runs the statements on the context's connection.</param>
    /// <param name="writeGate">The process's write gate, which the own connection's batches take.</param>
    public CallSessionRows(string? sqliteConnectionString, WriteGate writeGate)
    {
        this.sqliteConnectionString = sqliteConnectionString is null
            ? null
            : new SqliteConnectionStringBuilder(sqliteConnectionString) { Pooling = false }.ToString();
        this.writeGate = writeGate;
    }

    /// <summary>The call's session, not tracked by <paramref name="db"/>.</summary>
    public async Task<CallSession?> FindAsync(WebTicketingDb db, string callSid, CancellationToken cancellationToken)
    {
        var shape = ShapeOf(db);
        if (OwnConnection(db))
        {
            var read = new Turn(callSid, session: null, insert: false);
            await TakeTurnAsync(read);
            return read.Found;
        }
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = db.CreateCommand(shape.Select);
            shape.AddKeyParameter(command, callSid);
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
            if (OwnConnection(db))
            {
                var write = new Turn(session.CallSid, session, insert);
                await TakeTurnAsync(write);
                written = write.Written;
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

    /// <summary>
    /// Queues a read or a write for the own connection and waits until it ran. Whoever finds no batch under way leads:
    /// it runs one at once, its own turn included. A queued turn is not cancelled: a batch may already hold it.
    /// </summary>
    private async Task TakeTurnAsync(Turn turn)
    {
        bool lead;
        lock (waiting)
        {
            waiting.Enqueue(turn);
            lead = !draining;
            draining = true;
        }
        if (lead)
        {
            await DrainAsync(leader: true);
        }
        await turn.Done.Task;
    }

    /// <summary>
    /// Runs batches until nothing waits. The leader runs only the first and hands the rest to a pool thread, so no
    /// caller's answer waits for other callers' batches.
    /// </summary>
    private async Task DrainAsync(bool leader)
    {
        do
        {
            using (await writeGate.EnterAsync(CancellationToken.None))
            {
                if (TakeWaiting() is not { } batch)
                {
                    return;
                }
                RunBatch(batch);
            }
        }
        while (!leader);
        lock (waiting)
        {
            if (waiting.Count == 0)
            {
                draining = false;
                return;
            }
        }
        using (ExecutionContext.SuppressFlow())
        {
            _ = Task.Run(() => DrainAsync(leader: false));
        }
    }

    /// <summary>Everything queued, or null when nothing is, and then no batch is under way any more.</summary>
    private Turn[]? TakeWaiting()
    {
        lock (waiting)
        {
            if (waiting.Count == 0)
            {
                draining = false;
                return null;
            }
            var batch = waiting.ToArray();
            waiting.Clear();
            return batch;
        }
    }

    /// <summary>
    /// Under the write gate: the batch's statements in one transaction, so concurrent webhooks share its locks and its
    /// commit. A statement's constraint failure (a duplicate insert) is that turn's alone, and SQLite keeps the rest of
    /// the transaction; any other failure rolls the batch back and runs each turn by itself, so one call's failure is
    /// only its own. No turn completes before the commit, so none reads or reports a write that was rolled back.
    /// </summary>
    private void RunBatch(Turn[] batch)
    {
        lock (connectionTurn)
        {
            try
            {
                ObjectDisposedException.ThrowIf(disposed, this);
                if (batch.Length > 1 && TryTogether(batch))
                {
                    Array.ForEach(batch, turn => turn.Complete());
                    return;
                }
                foreach (var turn in batch)
                {
                    RunAlone(turn);
                    turn.Complete();
                }
            }
            catch (Exception e)
            {
                // Disposed, or the connection could not be opened: every turn not answered yet gets the reason.
                Array.ForEach(batch, turn => turn.Done.TrySetException(e));
            }
        }
    }

    private bool TryTogether(Turn[] batch)
    {
        var own = Own();
        try
        {
            own.Begin();
            foreach (var turn in batch)
            {
                try
                {
                    turn.Run(own);
                }
                catch (Exception e) when (e is not SqliteException sqlite || IsDuplicateKey(sqlite))
                {
                    turn.Failure = e;
                }
            }
            own.Commit();
            return true;
        }
        catch (SqliteException)
        {
            // Begin or commit could not take the database, or a statement failed in a way that may have ended the
            // transaction: nothing of the batch is kept, and each turn is tried alone.
            if (!own.TryRollback())
            {
                own.Dispose();
                statements = null;
            }
            foreach (var turn in batch)
            {
                turn.Reset();
            }
            return false;
        }
    }

    private void RunAlone(Turn turn)
    {
        try
        {
            turn.Run(Own());
        }
        catch (SqliteException e) when (IsDuplicateKey(e))
        {
            turn.Failure = e;
        }
        catch (Exception e)
        {
            // A connection in an unknown state is not kept: the next statement opens a new one.
            statements?.Dispose();
            statements = null;
            turn.Failure = e;
        }
    }

    /// <summary>The open connection with its statements, opened again after one was dropped. Turns queue only after <see cref="ShapeOf"/>.</summary>
    private SqliteStatements Own() => statements ??= new SqliteStatements(sqliteConnectionString!, shape!);

    private static async Task<int> WriteOnContextConnectionAsync(WebTicketingDb db, Shape shape, CallSession session, bool insert, CancellationToken cancellationToken)
    {
        // Inside a write transaction the gate is already held; outside one, PostgreSQL's gate is open anyway.
        using (db.Database.CurrentTransaction is null ? await db.EnterWriteGateAsync(cancellationToken) : null)
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
            try
            {
                await using var command = db.CreateCommand(insert ? shape.Insert : shape.Update);
                shape.AddParameters(command, insert);
                shape.SetValues(command, session, insert);
                return await command.ExecuteNonQueryAsync(cancellationToken);
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        }
    }

    /// <summary>SQLite outside a transaction of the context's: a transaction's statements must run on its connection.</summary>
    private bool OwnConnection(WebTicketingDb db) => sqliteConnectionString is not null && db.Database.CurrentTransaction is null;

    public void Dispose()
    {
        lock (connectionTurn)
        {
            disposed = true;
            statements?.Dispose();
        }
    }

    private static bool IsDuplicateKey(DbException e) => e switch
    {
        SqliteException sqlite => sqlite.SqliteExtendedErrorCode == 1555, // SQLITE_CONSTRAINT_PRIMARYKEY
        PostgresException postgres => postgres.SqlState == PostgresErrorCodes.UniqueViolation,
        _ => false,
    };

    /// <summary>One model per registration (this instance serves either SQLite's context or PostgreSQL's).</summary>
    private Shape ShapeOf(WebTicketingDb db) => shape ??= new Shape(db.Model);

    /// <summary>An open SQLite connection with its three statements prepared once.</summary>
    private sealed class SqliteStatements : IDisposable
    {
        private readonly SqliteConnection connection;
        private readonly SqliteCommand select;
        private readonly SqliteCommand insert;
        private readonly SqliteCommand update;
        private readonly SqliteCommand begin;
        private readonly SqliteCommand commit;

        public SqliteStatements(string connectionString, Shape shape)
        {
            Shape = shape;
            connection = new SqliteConnection(connectionString);
            try
            {
                connection.Open();
                // What SqlitePragmas sets on the context's connections (WAL is the file's, the rest per connection), and
                // checkpoints of at most 200 pages: this connection writes nearly every commit, each checkpoint runs
                // inside a commit under the write gate, and measured, smaller ones cut the replay's p99 by a tenth
                // (10,000 pages tripled it).
                using (var pragmas = connection.CreateCommand())
                {
                    pragmas.CommandText = SqlitePragmas.PerConnection + " PRAGMA busy_timeout=5000; PRAGMA wal_autocheckpoint=200;";
                    pragmas.ExecuteNonQuery();
                }
                select = Prepare(shape.Select, command => shape.AddKeyParameter(command, null));
                insert = Prepare(shape.Insert, command => shape.AddParameters(command, insert: true));
                update = Prepare(shape.Update, command => shape.AddParameters(command, insert: false));
                begin = Prepare("BEGIN IMMEDIATE", _ => { });
                commit = Prepare("COMMIT", _ => { });
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }

        public Shape Shape { get; }

        public CallSession? Find(string callSid)
        {
            select.Parameters[0].Value = callSid;
            using var rows = select.ExecuteReader(CommandBehavior.SingleRow);
            return rows.Read() ? Shape.Materialize(rows) : null;
        }

        public int Write(CallSession session, bool insert)
        {
            var command = insert ? this.insert : update;
            Shape.SetValues(command, session, insert);
            return command.ExecuteNonQuery();
        }

        public void Begin() => begin.ExecuteNonQuery();

        public void Commit() => commit.ExecuteNonQuery();

        /// <summary>False when the connection cannot say it is out of the transaction: then it is not kept.</summary>
        public bool TryRollback()
        {
            try
            {
                if (connection.State == ConnectionState.Open && SQLitePCL.raw.sqlite3_get_autocommit(connection.Handle) == 0)
                {
                    using var rollback = connection.CreateCommand();
                    rollback.CommandText = "ROLLBACK";
                    rollback.ExecuteNonQuery();
                }
                return true;
            }
            catch (SqliteException)
            {
                return false;
            }
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
            select.Dispose();
            insert.Dispose();
            update.Dispose();
            begin.Dispose();
            commit.Dispose();
            connection.Dispose();
        }
    }

    /// <summary>A read (no session) or a write waiting for the own connection, and what it found or wrote.</summary>
    private sealed class Turn(string callSid, CallSession? session, bool insert)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public CallSession? Found { get; private set; }
        public int Written { get; private set; }
        public Exception? Failure { get; set; }

        public void Run(SqliteStatements own)
        {
            if (session is null)
            {
                Found = own.Find(callSid);
            }
            else
            {
                Written = own.Write(session, insert);
            }
        }

        public void Reset()
        {
            Found = null;
            Written = 0;
            Failure = null;
        }

        public void Complete()
        {
            if (Failure is null)
            {
                Done.TrySetResult();
            }
            else
            {
                Done.TrySetException(Failure);
            }
        }
    }

    /// <summary>A mapped property: its column and its type mapping, conversions included.</summary>
    private sealed record Column(string Name, IProperty Property, RelationalTypeMapping Mapping);

    /// <summary>
    /// The statements for one model (SQLite's and PostgreSQL's differ in their conversions), and a reader and a writer
    /// of the row compiled from the model's properties and converters: reflection and boxing per column had cost a
    /// tenth of the step.
    /// </summary>
    private sealed class Shape
    {
        private readonly Func<DbDataReader, CallSession> materialize;
        private readonly Action<CallSession, object?[]> providerValues;

        public Shape(IModel model)
        {
            var entity = model.FindEntityType(typeof(CallSession))!;
            var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
            Columns = entity.GetProperties()
                .Select(p => new Column(p.GetColumnName(table)!, p, (RelationalTypeMapping)p.GetTypeMapping()))
                .ToArray();
            Key = Columns.Single(c => c.Property.Name == nameof(CallSession.CallSid));
            Version = Columns.Single(c => c.Property.Name == nameof(CallSession.Version));
            var name = Quote(table.Name);
            var list = string.Join(", ", Columns.Select(c => Quote(c.Name)));
            Select = $"SELECT {list} FROM {name} WHERE {Quote(Key.Name)} = @key";
            Insert = $"INSERT INTO {name} ({list}) VALUES ({string.Join(", ", Columns.Select((_, i) => $"@p{i}"))})";
            var updated = Columns.Select((c, i) => (c, i)).Where(x => x.c != Key && x.c.Property.GetAfterSaveBehavior() == PropertySaveBehavior.Save);
            Update = $"UPDATE {name} SET {string.Join(", ", updated.Select(x => $"{Quote(x.c.Name)} = @p{x.i}"))} "
                + $"WHERE {Quote(Key.Name)} = @p{Array.IndexOf(Columns, Key)} AND {Quote(Version.Name)} = @readAt";
            materialize = CompileMaterializer(Columns);
            providerValues = CompileProviderValues(Columns);
        }

        public Column[] Columns { get; }
        public Column Key { get; }
        public Column Version { get; }
        public string Select { get; }
        public string Insert { get; }
        public string Update { get; }

        public CallSession Materialize(DbDataReader reader) => materialize(reader);

        /// <summary>The select's one parameter, typed as the key column.</summary>
        public void AddKeyParameter(DbCommand command, string? callSid) =>
            command.Parameters.Add(Key.Mapping.CreateParameter(command, "@key", callSid, nullable: false));

        /// <summary>The parameters of an insert or an update, typed by the model, without values yet.</summary>
        public void AddParameters(DbCommand command, bool insert)
        {
            for (var i = 0; i < Columns.Length; i++)
            {
                command.Parameters.Add(Columns[i].Mapping.CreateParameter(command, $"@p{i}", null, nullable: true));
            }
            if (!insert)
            {
                command.Parameters.Add(Version.Mapping.CreateParameter(command, "@readAt", null, nullable: false));
            }
        }

        /// <summary>The session's values into the parameters <see cref="AddParameters"/> added; an update's read-at version is the one before the session's.</summary>
        public void SetValues(DbCommand command, CallSession session, bool insert)
        {
            var values = new object?[Columns.Length];
            providerValues(session, values);
            for (var i = 0; i < values.Length; i++)
            {
                command.Parameters[i].Value = values[i] ?? DBNull.Value;
            }
            if (!insert)
            {
                command.Parameters[Columns.Length].Value = session.Version - 1;
            }
        }

        /// <summary>
        /// <c>reader =&gt; new CallSession { P = reader.IsDBNull(i) ? default : FromProvider(reader.GetFieldValue&lt;TProvider&gt;(i)), … }</c>,
        /// with each converter's own expression, as EF's materializer does.
        /// </summary>
        private static Func<DbDataReader, CallSession> CompileMaterializer(Column[] columns)
        {
            var reader = Expression.Parameter(typeof(DbDataReader), "reader");
            var bindings = columns.Select((column, i) =>
            {
                var property = column.Property.PropertyInfo!;
                var converter = column.Mapping.Converter;
                var stored = converter?.ProviderClrType ?? column.Mapping.ClrType;
                stored = Nullable.GetUnderlyingType(stored) ?? stored;
                Expression value = Expression.Call(reader, nameof(DbDataReader.GetFieldValue), [stored], Expression.Constant(i));
                if (converter is not null)
                {
                    value = ReplacingParameter(converter.ConvertFromProviderExpression, value);
                }
                value = Expression.Convert(value, property.PropertyType);
                var isNull = Expression.Call(reader, nameof(DbDataReader.IsDBNull), null, Expression.Constant(i));
                return (MemberBinding)Expression.Bind(property, Expression.Condition(isNull, Expression.Default(property.PropertyType), value));
            });
            var body = Expression.MemberInit(Expression.New(typeof(CallSession)), bindings);
            return Expression.Lambda<Func<DbDataReader, CallSession>>(body, reader).Compile();
        }

        /// <summary><c>(session, values) =&gt; { values[i] = (object)ToProvider(session.P); … }</c>, nulls left null.</summary>
        private static Action<CallSession, object?[]> CompileProviderValues(Column[] columns)
        {
            var session = Expression.Parameter(typeof(CallSession), "session");
            var values = Expression.Parameter(typeof(object?[]), "values");
            var assignments = columns.Select((column, i) =>
            {
                var property = column.Property.PropertyInfo!;
                Expression value = Expression.Property(session, property);
                var converter = column.Mapping.Converter;
                var underlying = Nullable.GetUnderlyingType(property.PropertyType);
                Expression provider;
                if (converter is not null)
                {
                    var model = underlying is null ? value : Expression.Property(value, nameof(Nullable<int>.Value));
                    provider = ReplacingParameter(converter.ConvertToProviderExpression, Expression.Convert(model, converter.ModelClrType));
                }
                else if ((underlying ?? property.PropertyType).IsEnum)
                {
                    var model = underlying is null ? value : Expression.Property(value, nameof(Nullable<int>.Value));
                    provider = Expression.Convert(model, Enum.GetUnderlyingType(underlying ?? property.PropertyType));
                }
                else
                {
                    provider = value;
                }
                Expression boxed = Expression.Convert(provider, typeof(object));
                if (underlying is not null || !property.PropertyType.IsValueType)
                {
                    // Null stays null (DBNull when bound); the converter only ever sees a value.
                    boxed = Expression.Condition(
                        Expression.Equal(value, Expression.Constant(null, property.PropertyType)),
                        Expression.Constant(null, typeof(object)),
                        boxed);
                }
                return (Expression)Expression.Assign(Expression.ArrayAccess(values, Expression.Constant(i)), boxed);
            });
            return Expression.Lambda<Action<CallSession, object?[]>>(Expression.Block(assignments), session, values).Compile();
        }

        private static Expression ReplacingParameter(LambdaExpression lambda, Expression argument) =>
            new ParameterReplacer(lambda.Parameters[0], argument).Visit(lambda.Body);

        private static string Quote(string identifier) => $"\"{identifier}\"";

        private sealed class ParameterReplacer(ParameterExpression parameter, Expression replacement) : ExpressionVisitor
        {
            protected override Expression VisitParameter(ParameterExpression node) => node == parameter ? replacement : base.VisitParameter(node);
        }
    }
}
