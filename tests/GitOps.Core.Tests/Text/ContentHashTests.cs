using GitOps.Core.Text;
using Xunit;

namespace GitOps.Core.Tests.Text;

public sealed class ContentHashTests
{
    [Fact]
    public void Sha256Hex_StandardVector_LowerCaseHex() =>
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", ContentHash.Sha256Hex("abc"));

    [Fact]
    public void NameBasedGuid_StoredIds_NeverChange()
    {
        // Computed independently (Python: sha256, first 16 bytes, RFC 9562 version 8 and variant bits):
        // stored event ids are derived this way, so a different value would break idempotent appends.
        Assert.Equal(Guid.Parse("1bd202ff-3eec-8de8-85e2-cc4712f48a2d"), ContentHash.NameBasedGuid("gitops/desired/abc/after/none"));
    }
}
