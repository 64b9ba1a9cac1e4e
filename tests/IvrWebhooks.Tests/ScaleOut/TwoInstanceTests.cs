using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WebTicketing.Core.Cases;
using WebTicketing.Core.Data;
using WebTicketing.IvrWebhooks.Tests.Support;

namespace WebTicketing.IvrWebhooks.Tests.ScaleOut;

/// <summary>
/// Two IvrWebhooks instances on one database, as behind a load balancer that sends each webhook wherever it likes.
/// Meant for PostgreSQL (CI's second run); on SQLite the two share one file, as two processes on one machine would.
/// <see cref="TwoProcessTests"/> plays whole calls across two real processes.
/// </summary>
public sealed class TwoInstanceTests : IAsyncLifetime
{
    private readonly List<IvrApp> instances = [];
    private VoiceDirectory directory = null!;

    public async Task InitializeAsync()
    {
        var first = new IvrApp();
        instances.AddRange([first, new IvrApp(first.Database, first.Time)]);
        // Both start (and migrate) at once, as a deployment's instances do.
        await Task.WhenAll(instances.Select(instance => Task.Run(() => instance.Services)));
        directory = await VoiceDirectory.SeedAsync(first);
    }

    public async Task DisposeAsync()
    {
        // The first owns the database: it goes last.
        foreach (var instance in Enumerable.Reverse(instances))
        {
            await instance.DisposeAsync();
        }
    }

    [Fact]
    public async Task Both_instances_answer_healthy_on_the_shared_database()
    {
        foreach (var instance in instances)
        {
            using var client = instance.CreateClient();
            var response = await client.GetAsync("/healthz");

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task A_webhook_retried_on_both_instances_at_once_opens_one_case()
    {
        var request = new OpenCaseRequest(directory.AcmeRouterId, Severity.Major, "Router down", Channel.Phone,
            OpeningKey: "CA00000000000000000000000000000002");

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Task.Run(() =>
            WithWorkflowAsync(i % 2, workflow => workflow.OpenAsync(request, Actor.Phone)))));

        Assert.All(answers, answer => Assert.True(answer.Succeeded, answer.Problem));
        Assert.Single(answers.Select(answer => answer.Case!.Id).Distinct());
        Assert.Equal(1, await WithDbAsync(0, db => db.Cases.CountAsync(c => c.OpeningKey == request.OpeningKey)));
    }

    [Fact]
    public async Task Cases_opened_concurrently_through_both_instances_get_unique_numbers()
    {
        const int PerInstance = 12;

        var opened = await Task.WhenAll(Enumerable.Range(0, 2 * PerInstance).Select(i => Task.Run(() =>
            WithWorkflowAsync(i % 2, workflow => workflow.OpenAsync(
                new OpenCaseRequest(directory.AcmeRouterId, Severity.Minor, $"Request {i}", Channel.Web), Actor.System)))));

        Assert.All(opened, change => Assert.True(change.Succeeded, change.Problem));
        var numbers = opened.Select(change => change.Case!.Number).ToList();
        Assert.Equal(2 * PerInstance, numbers.Distinct().Count());
        Assert.All(numbers, number => Assert.True(CaseNumber.TryParse(number, out _)));
        Assert.Equal(2 * PerInstance, await WithDbAsync(1, db => db.Cases.CountAsync(c => c.Description.StartsWith("Request "))));
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
