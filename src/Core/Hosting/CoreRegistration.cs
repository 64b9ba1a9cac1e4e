using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.Storage.SQLite;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using WebTicketing.Core.Cases;
using WebTicketing.Core.Data;
using WebTicketing.Core.Directory;
using WebTicketing.Core.Notifications;
using WebTicketing.Core.Sla;
using WebTicketing.Core.Telephony;

namespace WebTicketing.Core.Hosting;

public static class CoreRegistration
{
    /// <summary>The database, the case workflow, the jobs and telemetry: everything both apps share.</summary>
    public static IHostApplicationBuilder AddCore(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<StorageOptions>().BindConfiguration("Storage")
            .Validate(o => !string.IsNullOrWhiteSpace(o.Root), "Storage:Root must name a folder.")
            .ValidateOnStart();
        services.AddOptions<DatabaseOptions>().BindConfiguration("Database").ValidateOnStart();
        services.TryAddTimeProvider();
        services.AddKnownProxies();

        var storage = builder.Configuration.GetSection("Storage").Get<StorageOptions>() ?? new StorageOptions();
        var database = builder.Configuration.GetSection("Database").Get<DatabaseOptions>() ?? new DatabaseOptions();
        System.IO.Directory.CreateDirectory(storage.FullRoot);
        switch (database.Provider)
        {
            case DatabaseProvider.Postgres:
                builder.AddPostgres();
                break;
            default:
                builder.AddSqlite(storage);
                break;
        }

        services.AddScoped<CaseWorkflow>();
        builder.AddDirectory();
        services.AddScoped<LookupGuard>();
        services.AddOptions<LookupGuardOptions>().BindConfiguration("LookupGuard")
            .Validate(o => o.MaxFailures > 0 && o.Window > TimeSpan.Zero, "LookupGuard:MaxFailures and LookupGuard:Window must be positive.")
            .ValidateOnStart();
        services.AddOptions<TwilioOptions>().BindConfiguration("Twilio").ValidateOnStart();
        services.AddSingleton<IValidateOptions<TwilioOptions>, TwilioOptionsValidation>();

        // /healthz answers Healthy only when the database answers: a load balancer should not send calls to an
        // instance that cannot open cases.
        services.AddHealthChecks().AddDbContextCheck<WebTicketingDb>("database");

        builder.AddSms();
        builder.AddSla();
        builder.AddTelemetry();
        return builder;
    }

    /// <summary>
    /// Applies pending migrations and creates what the migration cannot hold (the case search index, indexes across the SLA columns), then loads the demo directory into an empty one (<c>Directory:SeedDemo</c>);
    /// safe when both apps start at once (EF takes a migration lock when there is something to apply; the seeding checks emptiness in its write transaction).
    /// </summary>
    public static async Task InitializeDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WebTicketingDb>();
        // Most starts find the database up to date. EF's migrator would still take its lock (on SQLite a row that a
        // process killed mid-migration leaves behind, which every later migration waits on) and rebuild the migrations'
        // model to compare with the current one: ~20 MB of code the phone line never runs again.
        if ((await db.Database.GetPendingMigrationsAsync(cancellationToken)).Any())
        {
            await db.Database.MigrateAsync(cancellationToken);
        }
        await CaseIndexes.EnsureAsync(db, cancellationToken);
        if (scope.ServiceProvider.GetRequiredService<IOptions<DirectoryOptions>>().Value.SeedDemo)
            await DemoDirectory.SeedIfEmptyAsync(scope.ServiceProvider, cancellationToken);
    }

    internal static string SqliteConnectionString(IConfiguration configuration, StorageOptions storage)
    {
        var configured = configuration.GetConnectionString("WebTicketing");
        var builder = new SqliteConnectionStringBuilder(configured ?? $"Data Source={Path.Combine(storage.FullRoot, "webticketing.db")}");
        // Another process (the other app, a CLI import) may hold the write lock for a moment: wait rather than fail.
        if (builder.DefaultTimeout == 30)
        {
            builder.DefaultTimeout = 15;
        }
        builder.Pooling = true;
        return builder.ToString();
    }

    private static void AddDirectory(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DirectoryOptions>().BindConfiguration("Directory");
        builder.Services.AddScoped<DirectoryImporter>();
        // The same registrations AddIdentity makes (TryAdd too), so the console's later AddIdentity hashes and
        // normalizes exactly as the import did.
        builder.Services.TryAddScoped<IPasswordHasher<UserAccount>, PasswordHasher<UserAccount>>();
        builder.Services.TryAddScoped<ILookupNormalizer, UpperInvariantLookupNormalizer>();
    }

    private static void TryAddTimeProvider(this IServiceCollection services)
    {
        if (services.All(d => d.ServiceType != typeof(TimeProvider)))
        {
            services.AddSingleton(TimeProvider.System);
        }
    }

    /// <summary>One machine: the database and the job store are files under <c>Storage:Root</c>.</summary>
    private static void AddSqlite(this IHostApplicationBuilder builder, StorageOptions storage)
    {
        var connectionString = SqliteConnectionString(builder.Configuration, storage);
        var writeGate = new WriteGate(serialize: true);
        builder.AddPooledDb<WebTicketingDb>(writeGate, options => options
            .UseSqlite(connectionString)
            .AddInterceptors(new SqlitePragmas()));
        builder.Services.AddSingleton(_ => new CallSessionRows(connectionString, writeGate));
        // Jobs get their own file: the job store polls and locks constantly and must not queue behind case writes.
        builder.AddJobs(() => SqliteJobStore.Create(Path.Combine(storage.FullRoot, "hangfire.db"), new SQLiteStorageOptions
        {
            QueuePollInterval = TimeSpan.FromSeconds(1),
        }));
    }

    /// <summary>
    /// Several instances of each app on one PostgreSQL: row locks replace the write gate, and the jobs live in the same
    /// database (schema <c>hangfire</c>), where Hangfire's distributed locks make each job run on one instance.
    /// </summary>
    private static void AddPostgres(this IHostApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString("WebTicketing");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new OptionsValidationException("ConnectionStrings:WebTicketing", typeof(DatabaseOptions),
                ["ConnectionStrings:WebTicketing is required when Database:Provider is Postgres."]);
        }
        builder.AddPooledDb<PostgresWebTicketingDb>(WriteGate.Ungated, options => options
            .UseNpgsql(connectionString)
            .UseCaseInsensitiveLike());
        builder.Services.AddSingleton(_ => new CallSessionRows(sqliteConnectionString: null, WriteGate.Ungated));
        builder.AddJobs(() => PostgresJobStore(connectionString));
    }

    /// <summary>
    /// The context every service asks for, as <see cref="WebTicketingDb"/> whatever the provider's type, rented from
    /// EF's pool: a new context per webhook or page cost a tenth of an IVR step (EF's scoped services built and
    /// the model looked up again each time). Disposing the scope returns it.
    /// </summary>
    private static void AddPooledDb<TContext>(this IHostApplicationBuilder builder, WriteGate writeGate, Action<DbContextOptionsBuilder> configure)
        where TContext : WebTicketingDb
    {
        var strict = !builder.Environment.IsProduction();
        builder.Services.AddSingleton(writeGate);
        builder.Services.AddPooledDbContextFactory<TContext>(options =>
        {
            configure(options);
            if (strict)
            {
                // A row limit without an order returns whichever rows the database finds first (which stuck SMS a
                // dispatcher batch takes): outside production that is an error, so a test reaching it fails.
                options.ConfigureWarnings(warnings => warnings.Throw(CoreEventId.RowLimitingOperationWithoutOrderByWarning));
            }
            else
            {
                // EF checks before migrating that the model has no changes missing from the migrations, by building
                // the model from its configuration and comparing: ~7 MB of code the phone line never runs again, for a
                // mistake every test host (each migrates a new database, with the check) has already caught.
                options.ConfigureWarnings(warnings => warnings.Ignore(RelationalEventId.PendingModelChangesWarning));
            }
        });
        builder.Services.AddScoped<WebTicketingDb>(provider => provider.GetRequiredService<IDbContextFactory<TContext>>().CreateDbContext().Rent(writeGate));
    }

    private static PostgreSqlStorage PostgresJobStore(string connectionString)
    {
        var options = new PostgreSqlStorageOptions { SchemaName = "hangfire", QueuePollInterval = TimeSpan.FromSeconds(1) };
        // Creating the storage installs or upgrades its schema. Instances starting together raced on that DDL
        // ("could not find tuple for constraint"), so they take turns under a PostgreSQL advisory lock.
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({JobStoreInstallLock})", connection))
        {
            take.ExecuteNonQuery();
        }
        try
        {
            return new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, options), options);
        }
        finally
        {
            using var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({JobStoreInstallLock})", connection);
            release.ExecuteNonQuery();
        }
    }

    /// <summary>Any fixed number, the same in every instance.</summary>
    private const long JobStoreInstallLock = 0x5765625469636B;

    private static void AddJobs(this IHostApplicationBuilder builder, Func<JobStorage> createStorage)
    {
        builder.Services.AddHangfire((services, configuration) => configuration
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseLogProvider(new JobLogging(services.GetRequiredService<ILoggerFactory>()))
            .UseStorage(services.GetRequiredService<JobStorage>()));
        // Registered after AddHangfire so it wins: Hangfire would otherwise hand out the static JobStorage.Current,
        // which another host in the same process (a second instance in a test) may have just replaced.
        builder.Services.AddSingleton(_ => createStorage());
        if (builder.Configuration.GetValue("Jobs:RunServer", true))
        {
            builder.Services.AddHangfireServer(options =>
            {
                options.WorkerCount = builder.Configuration.GetValue("Jobs:WorkerCount", 4);
                // The phone's jobs (recording downloads) run where the phone line runs, and the case jobs (SLA, SMS) are
                // left to the console's server, away from the process answering calls.
                options.Queues = builder.Configuration.GetSection("Jobs:Queues").Get<string[]>() is { Length: > 0 } queues
                    ? queues
                    : [EnqueuedState.DefaultQueue];
                options.SchedulePollingInterval = TimeSpan.FromSeconds(5);
                // This server's own filters on top of Hangfire's global ones (retries, states): GlobalJobFilters is
                // static, and two hosts in one process (tests, a CLI beside an app) would each add the filter again.
                options.FilterProvider = new JobFilterProviderCollection(JobFilterProviders.Providers, new JobFilterCollection { new JobTracing() });
            });
        }
    }
}
