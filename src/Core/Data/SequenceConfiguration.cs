using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace WebTicketing.Core.Data;

internal sealed class SequenceConfiguration : IEntityTypeConfiguration<Sequence>
{
    public void Configure(EntityTypeBuilder<Sequence> sequence)
    {
        sequence.HasKey(s => s.Name);
        sequence.HasData(new Sequence { Name = "case", Value = 0 });
    }
}
