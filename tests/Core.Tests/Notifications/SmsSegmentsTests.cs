using WebTicketing.Core.Notifications;

namespace WebTicketing.Core.Tests.Notifications;

public sealed class SmsSegmentsTests
{
    [Theory]
    [InlineData(160, 1)]
    [InlineData(161, 2)]
    [InlineData(306, 2)]
    [InlineData(307, 3)]
    [InlineData(459, 3)]
    [InlineData(460, 4)]
    public void Plain_text_takes_160_characters_in_one_segment_and_153_per_segment_once_split(int length, int segments) =>
        Assert.Equal(segments, SmsSegments.Count(new string('a', length)));

    [Fact]
    public void Extension_characters_cost_two()
    {
        Assert.Equal(160, SmsSegments.Units(new string('€', 80)));
        Assert.Equal(2, SmsSegments.Count(new string('€', 80) + "a"));
    }

    [Theory]
    [InlineData("ñÑéÉüÜ¿¡àèùìò", true)]
    [InlineData("está", false)]
    [InlineData("información", false)]
    [InlineData("ok 😀", false)]
    public void Spanish_letters_outside_GSM7_switch_the_text_to_UCS2(string text, bool gsm7) =>
        Assert.Equal(gsm7, SmsSegments.IsGsm7(text));

    [Theory]
    [InlineData(70, 1)]
    [InlineData(71, 2)]
    [InlineData(134, 2)]
    [InlineData(135, 3)]
    public void A_UCS2_text_takes_70_characters_in_one_segment_and_67_once_split(int length, int segments) =>
        Assert.Equal(segments, SmsSegments.Count("á" + new string('a', length - 1)));

    [Fact]
    public void An_excerpt_never_splits_an_emoji()
    {
        var text = SmsSegments.FitExcerpt("x: {excerpt}", string.Concat(Enumerable.Repeat("😀", 100)), 1);

        Assert.True(SmsSegments.Count(text) == 1);
        Assert.EndsWith("...", text);
        var kept = text[3..^3];
        Assert.Equal(kept.Count(char.IsHighSurrogate), kept.Count(char.IsLowSurrogate));
        Assert.True(char.IsLowSurrogate(kept[^1]));
    }
}
