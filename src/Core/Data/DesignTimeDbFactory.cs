using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace WebTicketing.Core.Data;

/// <summary>Used only by <c>dotnet ef migrations add</c>; the apps configure the context in <c>AddCore</c>.</summary>
internal sealed class DesignTimeDbFactory : IDesignTimeDbContextFactory<WebTicketingDb>
{
    public WebTicketingDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<WebTicketingDb>().UseSqlite("Data Source=design-time.db").Options);
}

/// <summary>Used only by <c>dotnet ef migrations add --context PostgresWebTicketingDb</c>, which never connects.</summary>
internal sealed class PostgresDesignTimeDbFactory : IDesignTimeDbContextFactory<PostgresWebTicketingDb>
{
    public PostgresWebTicketingDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresWebTicketingDb>().UseNpgsql("Host=localhost;Database=design-time").Options);
}
