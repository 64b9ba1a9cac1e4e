using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace WebTicketing.Core.Data;

public sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
    value => value.UtcTicks,
    ticks => new DateTimeOffset(ticks, TimeSpan.Zero));
