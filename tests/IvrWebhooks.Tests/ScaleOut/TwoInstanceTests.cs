using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WebTicketing.Core.Cases;
using WebTicketing.Core.Data;
using WebTicketing.Core.Tests.Support;
using WebTicketing.Testing;

namespace WebTicketing.IvrWebhooks.Tests.ScaleOut;

/// <summary>
/// Two IvrWebhooks instances on one database, as behind a load balancer that sends each webhook wherever it likes.
/// Meant for PostgreSQL (CI's second run); on SQLite the two share one file, as two processes on one machine would.
/// </summary>
public sealed class TwoInstanceTests : IAsyncLifetime
{
    private readonly TestDatabase database = TestDatabase.Create();
    private readonly List<WebApplicationFactory<Program>> instances = [];
    private readonly List<HttpClient> clients = [];
    private TestDirectory directory = null!;

    public async Task InitializeAsync()
    {
        instances.AddRange(Enumerable.Range(0, 2).Select(_ => new WebApplicationFactory<Program>().WithWebHostBuilder(web => web
            .UseTestDatabase(database)
            .UseSetting("Jobs:RunServer", "false"))));
        // Both start (and migrate) at once, as a deployment's instances do.
        clients.AddRange(await Task.WhenAll(instances.Select(instance => Task.Run(instance.CreateClient))));
        await using var scope = instances[0].Services.CreateAsyncScope();
        directory = await TestDirectory.SeedAsync(scope.ServiceProvider.GetRequiredService<WebTicketingDb>());
    }

    public async Task DisposeAsync()
    {
        clients.ForEach(c => c.Dispose());
        foreach (var instance in instances)
        {
            await instance.DisposeAsync();
        }
        await database.DisposeAsync();
    }

    [Fact]
    public async Task Both_instances_answer_healthy_on_the_shared_database()
    {
        foreach (var client in clients)
        {
            var response = await client.GetAsync("/healthz");

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    /// <summary>
    /// One call whose steps land alternately on instance a and b. Until the IVR flow is merged the steps are case
    /// openings keyed by the CallSid (a webhook retried on the other instance); after the merge the steps become the
    /// call's signed webhooks, <c>/twilio/voice/...</c>, posted to <c>clients[step % 2]</c>.
    /// </summary>
    [Fact]
    public async Task One_calls_webhooks_sent_alternately_to_two_instances_continue_the_same_call()
    {
        const string CallSid = "CA00000000000000000000000000000001";
        var request = new OpenCaseRequest(directory.AcmeRouter.Id, Severity.Critical, "Router down", Channel.Phone,
            CallbackPhone: "+34600000009", OpeningKey: CallSid);

        var opened = new List<Case>();
        for (var step = 0; step < 4; step++)
        {
            var change = await WithWorkflowAsync(step % 2, workflow => workflow.OpenAsync(request, Actor.Phone));
            Assert.True(change.Succeeded, change.Problem);
            opened.Add(change.Case!);
        }

        Assert.Single(opened.Select(c => c.Number).Distinct());
        var onB = await WithDbAsync(1, db => db.Cases.Include(c => c.Events).SingleAsync(c => c.OpeningKey == CallSid));
        Assert.Single(onB.Events, e => e.Kind == CaseEventKind.Opened);
    }

    [Fact]
    public async Task A_webhook_retried_on_both_instances_at_once_opens_one_case()
    {
        var request = new OpenCaseRequest(directory.AcmeRouter.Id, Severity.Major, "Router down", Channel.Phone,
            OpeningKey: "CA00000000000000000000000000000002");

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Task.Run(() =>
            WithWorkflowAsync(i % 2, workflow => workflow.OpenAsync(request, Actor.Phone)))));

        Assert.All(answers, answer => Assert.True(answer.Succeeded, answer.Problem));
        Assert.Single(answers.Select(answer => answer.Case!.Id).Distinct());
        Assert.Equal(1, await WithDbAsync(0, db => db.Cases.CountAsync()));
    }

    [Fact]
    public async Task Cases_opened_concurrently_through_both_instances_get_unique_numbers()
    {
        const int PerInstance = 12;

        var opened = await Task.WhenAll(Enumerable.Range(0, 2 * PerInstance).Select(i => Task.Run(() =>
            WithWorkflowAsync(i % 2, workflow => workflow.OpenAsync(
                new OpenCaseRequest(directory.AcmeRouter.Id, Severity.Minor, $"Request {i}", Channel.Web), Actor.System)))));

        Assert.All(opened, change => Assert.True(change.Succeeded, change.Problem));
        var numbers = opened.Select(change => change.Case!.Number).ToList();
        Assert.Equal(2 * PerInstance, numbers.Distinct().Count());
        Assert.All(numbers, number => Assert.True(CaseNumber.TryParse(number, out _)));
        Assert.Equal(2 * PerInstance, await WithDbAsync(1, db => db.Cases.CountAsync()));
    }

    private async Task<T> WithWorkflowAsync<T>(int instance, Func<CaseWorkflow, Task<T>> work)
    {
        await using var scope = instances[instance].Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<CaseWorkflow>());
    }

    private async Task<T> WithDbAsync<T>(int instance, Func<WebTicketingDb, Task<T>> work)
    {
        await using var scope = instances[instance].Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<WebTicketingDb>());
    }
}
