namespace WebTicketing.Core.Tests.Support;

public static class BackgroundServer
{
    /// <summary>
    /// Waits for a real Hangfire server, which polls on real time: the one place these tests wait on the wall clock,
    /// bounded so a job that never runs fails the test instead of hanging it.
    /// </summary>
    public static async Task Eventually(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The Hangfire server did not get there within 30 s.");
            await Task.Delay(100);
        }
    }
}
