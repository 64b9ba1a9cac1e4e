using Hangfire;
using Hangfire.Dashboard;
using WebTicketing.AgentConsole.Accounts;
using WebTicketing.Core.Directory;

namespace WebTicketing.AgentConsole.Admin;

public static class JobsDashboard
{
    public const string Path = "/jobs";

    /// <summary>
    /// Hangfire's dashboard at /jobs for admins. The endpoint policy sends anonymous users to the login page and
    /// refuses other roles; the Hangfire filter checks again because Hangfire's own default would allow local requests.
    /// </summary>
    public static IEndpointRouteBuilder MapJobsDashboard(this IEndpointRouteBuilder app)
    {
        app.MapHangfireDashboard(Path, new DashboardOptions
        {
            Authorization = [new AdminOnlyDashboardFilter()],
            DisplayStorageConnectionString = false,
            AppPath = "/admin",
        }).RequireAuthorization(ConsoleIdentity.AdminPolicy);
        return app;
    }
}

public sealed class AdminOnlyDashboardFilter : IDashboardAuthorizationFilter
{
    public bool Authorize(DashboardContext context) => context.GetHttpContext().User.IsInRole(Roles.Admin);
}
