using WebTicketing.Core.Cases;

namespace WebTicketing.Core.Tests.Cases;

public sealed class CaseNumberTests
{
    [Fact]
    public void Numbers_from_the_sequence_are_eight_digits_with_a_valid_check_digit()
    {
        foreach (var sequence in new long[] { 1, 2, 99, 123_456, 8_999_999 })
        {
            var number = CaseNumber.FromSequence(sequence);
            Assert.Equal(8, number.Value.Length);
            Assert.True(CaseNumber.TryParse(number.Value, out var parsed));
            Assert.Equal(number, parsed);
        }
    }

    [Fact]
    public void First_number_is_10000008()
    {
        // Worked by hand: body 1000000, doubling from the right makes the leading 1 a 2, so the check digit is 8.
        Assert.Equal("10000008", CaseNumber.FromSequence(1).Value);
    }

    [Fact]
    public void Check_digits_agree_with_the_textbook_validation_of_the_whole_number()
    {
        for (long sequence = 1; sequence < 5_000; sequence += 37)
        {
            Assert.True(TextbookLuhn(CaseNumber.FromSequence(sequence).Value));
        }
    }

    // Validates a complete number: every second digit from the right, starting at the second, is doubled.
    private static bool TextbookLuhn(string number) =>
        number.Reverse().Select((c, i) => i % 2 == 1 ? ((c - '0') * 2 is var d && d > 9 ? d - 9 : d) : c - '0').Sum() % 10 == 0;

    [Fact]
    public void Every_single_digit_mistype_is_caught()
    {
        var number = CaseNumber.FromSequence(424_242).Value;
        for (var position = 0; position < number.Length; position++)
        {
            for (var digit = '0'; digit <= '9'; digit++)
            {
                if (digit == number[position])
                {
                    continue;
                }
                var mistyped = number[..position] + digit + number[(position + 1)..];
                Assert.False(CaseNumber.TryParse(mistyped, out _), $"{mistyped} should be refused");
            }
        }
    }

    [Fact]
    public void Swapped_adjacent_digits_are_caught()
    {
        var number = CaseNumber.FromSequence(123_457).Value;
        for (var i = 0; i < number.Length - 1; i++)
        {
            if (number[i] == number[i + 1] || (number[i], number[i + 1]) is ('0', '9') or ('9', '0'))
            {
                continue;
            }
            var swapped = number[..i] + number[i + 1] + number[i] + number[(i + 2)..];
            Assert.False(CaseNumber.TryParse(swapped, out _), $"{swapped} should be refused");
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("1234567")]
    [InlineData("123456789")]
    [InlineData("1000000A")]
    [InlineData(null)]
    public void Malformed_input_is_refused(string? input) => Assert.False(CaseNumber.TryParse(input, out _));

    [Fact]
    public void Spaces_and_dashes_as_people_write_them_are_accepted()
    {
        var number = CaseNumber.FromSequence(77);
        Assert.True(CaseNumber.TryParse(number.Grouped, out var grouped));
        Assert.True(CaseNumber.TryParse(number.Value[..4] + "-" + number.Value[4..], out var dashed));
        Assert.Equal(number, grouped);
        Assert.Equal(number, dashed);
    }
}
