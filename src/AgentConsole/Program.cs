using WebTicketing.AgentConsole.Accounts;
using WebTicketing.AgentConsole.Admin;
using WebTicketing.AgentConsole.Callbacks;
using WebTicketing.AgentConsole.Cases;
using WebTicketing.AgentConsole.Dashboard;
using WebTicketing.AgentConsole.Live;
using WebTicketing.AgentConsole.Localization;
using WebTicketing.Core.Directory;
using WebTicketing.Core.Hosting;

if (args is ["import", .. var importArgs]) return await DirectoryCli.RunAsync(importArgs, WebApplication.CreateBuilder, cli => cli.Build());

var builder = WebApplication.CreateBuilder(args);
builder.AddCore();
builder.AddConsoleIdentity();
builder.Services.AddConsoleLocalization();
builder.Services.AddProblemDetails();
builder.Services.AddRazorPages();
builder.Services.AddCaseLists();
builder.Services.AddLiveUpdates(builder.Configuration);
builder.Services.AddCallbackTasks();
builder.Services.AddDashboard();

var app = builder.Build();
app.UseForwardedHeaders();
app.UseExceptionHandler("/Error");
app.UseStatusCodePages();
app.UseRouting();
app.UseAuthentication();
app.UseRequestLocalization();
app.UseAuthorization();
app.MapStaticAssets().AllowAnonymous();
app.MapHealthChecks("/healthz").AllowAnonymous();
app.MapRazorPages().WithStaticAssets();
app.MapCaseFiles();
app.MapCallbackTasks();
app.MapLiveUpdates();
app.MapJobsDashboard();

await app.Services.InitializeDatabaseAsync();
app.Run();
return 0;
