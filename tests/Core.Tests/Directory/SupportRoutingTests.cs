using WebTicketing.Core.Directory;

namespace WebTicketing.Core.Tests.Directory;

public sealed class SupportRoutingTests
{
    private static readonly RoutingRule AnyRouter = new() { Id = 1, Product = "Router" };
    private static readonly RoutingRule OldRouters = new() { Id = 2, Product = "Router", MaxVersion = "3.9" };
    private static readonly RoutingRule Routers4x = new() { Id = 3, Product = "Router", MinVersion = "4.0", MaxVersion = "4.99" };
    private static readonly RoutingRule[] Rules = [AnyRouter, OldRouters, Routers4x];

    [Theory]
    [InlineData("3.1", 2)]
    [InlineData("4.2", 3)]
    [InlineData("5.0", 1)]
    [InlineData("10.0", 1)]
    public void Most_specific_matching_rule_wins(string version, int expectedRule) =>
        Assert.Equal(expectedRule, SupportRouting.BestRule(Rules, "router", version)?.Id);

    [Fact]
    public void Unknown_product_matches_no_rule_so_the_default_group_takes_it() =>
        Assert.Null(SupportRouting.BestRule(Rules, "Printer", "1.0"));

    [Theory]
    [InlineData("10.2", "9.11", 1)]
    [InlineData("4.0", "4", 0)]
    [InlineData("4.0.1", "4.0", 1)]
    public void Versions_compare_part_by_part(string left, string right, int sign) =>
        Assert.Equal(sign, Math.Sign(SupportRouting.CompareVersions(left, right)));
}
