using WebTicketing.Core.Directory;
using WebTicketing.Core.Hosting;

if (args is ["import", .. var importArgs]) return await DirectoryCli.RunAsync(importArgs, WebApplication.CreateBuilder, cli => cli.Build());

var builder = WebApplication.CreateBuilder(args);
builder.AddCore();
builder.Services.AddProblemDetails();
builder.Services.AddRazorPages();

var app = builder.Build();
app.UseExceptionHandler("/Error");
app.UseStatusCodePages();
app.UseRouting();
app.UseAuthorization();
app.MapStaticAssets();
app.MapHealthChecks("/healthz");
app.MapRazorPages().WithStaticAssets();

await app.Services.InitializeDatabaseAsync();
app.Run();
return 0;
