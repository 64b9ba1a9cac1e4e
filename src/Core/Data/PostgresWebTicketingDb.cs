using Microsoft.EntityFrameworkCore;

namespace WebTicketing.Core.Data;

/// <summary>
/// The same database on PostgreSQL. EF Core keys a migration set by context type (each migration's
/// <c>[DbContext]</c> attribute), so a second set in the same assembly needs a second type: this one owns
/// <c>Data/Migrations/Postgres</c>. It adds nothing else; AddCore registers it as <see cref="WebTicketingDb"/>, so
/// every service, the workflow and the tests keep asking for <see cref="WebTicketingDb"/> whatever the provider.
/// </summary>
public sealed class PostgresWebTicketingDb(DbContextOptions<PostgresWebTicketingDb> options) : WebTicketingDb(options);
