var builder = DistributedApplication.CreateBuilder(args);

// Both apps share one data folder (SQLite file, job store, recordings). Aspire starts each app in its own project
// folder, so a relative Storage:Root would split them: pin it to the repository's data/ unless configured.
var storageRoot = builder.Configuration["Storage:Root"]
    ?? Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", "..", "data"));

AddApp<Projects.WebTicketing_IvrWebhooks>("ivr-webhooks", 5080);
AddApp<Projects.WebTicketing_AgentConsole>("agent-console", 5090);

builder.Build().Run();

void AddApp<TProject>(string name, int port) where TProject : IProjectMetadata, new() =>
    builder.AddProject<TProject>(name)
        .WithEnvironment("Storage__Root", storageRoot)
        // Fixed, unproxied ports: Twilio's console and the README point at them.
        .WithEndpoint("http", endpoint =>
        {
            endpoint.Port = port;
            endpoint.IsProxied = false;
        })
        .WithHttpHealthCheck("/healthz");
