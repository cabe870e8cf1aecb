using GitOps.Web.Access;
using Xunit;

namespace GitOps.Web.Tests.Access;

public sealed class DashboardUsersTests
{
    private static readonly string AnnHash = SecretHash.HashPassword("ann-password-12", 100_000);

    [Fact]
    public void SignIn_RightPasswordGivesTheRole_WrongOneOrUnknownNameNothing()
    {
        var (token, tokenHash) = SecretHash.NewToken();
        var users = DashboardUsers.Parse($"# who may sign in\n\nann operator {AnnHash}\nci viewer {tokenHash}\n", "/etc/gitops/users");

        Assert.Equal(2, users.Count);
        Assert.Equal(DashboardRole.Operator, users.SignIn("ann", "ann-password-12"));
        Assert.Null(users.SignIn("ann", "ann-password-13"));
        Assert.Null(users.SignIn("bob", "ann-password-12"));
        // A token is not a password, and a password is not a token.
        Assert.Null(users.SignIn("ci", token));
        Assert.Equal(("ci", DashboardRole.Viewer), users.FromToken(token));
        Assert.Null(users.FromToken("ann-password-12"));
    }

    [Theory]
    [InlineData("ann operator", "/etc/gitops/users:2: a users file line is '<name> <viewer|operator> <hash>' (make one with `gitops dashboard-user`), not 2 fields")]
    [InlineData("ann admin HASH", "/etc/gitops/users:2: role 'admin' of ann is neither viewer nor operator")]
    [InlineData("an\"n viewer HASH", "/etc/gitops/users:2: 'an\"n' is not a user name: letters, digits, '.', '_', '-' and '@', at most 64")]
    [InlineData("ann viewer plain-password", "/etc/gitops/users:2: the hash of ann: the hash must start with pbkdf2-sha256$ (a password) or sha256$ (a token); make one with `gitops dashboard-user`")]
    [InlineData("ann viewer pbkdf2-sha256$1000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "/etc/gitops/users:2: the hash of ann: a password hash is pbkdf2-sha256$<iterations, at least 100000>$<16-byte salt, base64>$<32-byte hash, base64>")]
    public void Parse_ABadLine_NamesTheFileTheLineAndTheFix(string line, string message)
    {
        var text = "# users\n" + line.Replace("HASH", AnnHash, StringComparison.Ordinal) + "\n";

        var error = Assert.Throws<FormatException>(() => DashboardUsers.Parse(text, "/etc/gitops/users"));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Parse_TheSamePasswordUserTwice_IsRefused()
    {
        var error = Assert.Throws<FormatException>(() => DashboardUsers.Parse($"ann viewer {AnnHash}\nann operator {AnnHash}\n", "users"));

        Assert.Equal("users:2: ann has a password on an earlier line already", error.Message);
    }
}
