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
/// The columns, their names and their conversions come from the EF model, so a new property is stored with no change
/// here; and the rules are EF's: the row's <see cref="CallSession.Version"/> is checked and bumped, a lost race throws
/// <see cref="DbUpdateConcurrencyException"/> (a duplicate insert <see cref="DbUpdateException"/>), writes take the
/// write gate, and what waits for a commit (<see cref="WebTicketingDb.WhenCommitted"/>) runs after this one.
/// </para>
/// </summary>
public sealed class CallSessionRows : IDisposable
{
    private readonly string? sqliteConnectionString;
    private readonly Lock connectionTurn = new();
    private Shape? shape;
    private SqliteStatements? statements;
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
        if (OwnConnection(db))
        {
            // The write gate hands the connection over. Measured: with a blocking lock for reads instead, blocked pool
            // threads cost a tenth of the replay's throughput, more than reads queuing behind writes.
            using (await db.EnterWriteGateAsync(cancellationToken))
            {
                return OnOwnConnection(shape, own => own.Find(callSid));
            }
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
                using (await db.EnterWriteGateAsync(cancellationToken))
                {
                    written = OnOwnConnection(shape, own => own.Write(session, insert));
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

    /// <summary>Under the write gate; the lock only keeps <see cref="Dispose"/> from closing the connection under a statement.</summary>
    private T OnOwnConnection<T>(Shape shape, Func<SqliteStatements, T> work)
    {
        lock (connectionTurn)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            statements ??= new SqliteStatements(sqliteConnectionString!, shape);
            try
            {
                return work(statements);
            }
            catch (SqliteException e) when (!IsDuplicateKey(e))
            {
                // A connection in an unknown state is not kept: the next statement opens a new one.
                statements.Dispose();
                statements = null;
                throw;
            }
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
                    pragmas.CommandText = "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000; PRAGMA wal_autocheckpoint=200;";
                    pragmas.ExecuteNonQuery();
                }
                select = Prepare(shape.Select, command => shape.AddKeyParameter(command, null));
                insert = Prepare(shape.Insert, command => shape.AddParameters(command, insert: true));
                update = Prepare(shape.Update, command => shape.AddParameters(command, insert: false));
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
            connection.Dispose();
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
