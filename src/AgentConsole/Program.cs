using WebTicketing.Core.Hosting;

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
