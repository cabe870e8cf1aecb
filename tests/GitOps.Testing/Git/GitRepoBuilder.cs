using System.Globalization;
using System.Text;
using GitOps.Processes;

namespace GitOps.Testing.Git;

/// <summary>
/// A real git repository in a temp directory for tests: write and delete files, commit, branch, tag,
/// revert, and publish to a bare "remote" reachable by a <c>file://</c> URL. git runs with a fixed
/// identity and with the system and user configuration shut out, so the machine's settings cannot
/// change what a test sees. Commit dates are deterministic by default (one minute apart from
/// <see cref="FirstCommitDate"/>). Disposing deletes everything.
/// </summary>
public sealed class GitRepoBuilder : IAsyncDisposable, IDisposable
{
    public const string AuthorName = "GitOps Test";
    public const string AuthorEmail = "gitops-test@example.invalid";

    public static readonly DateTimeOffset FirstCommitDate = new(2024, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    private readonly Dictionary<string, string?> _environment;
    private readonly bool _deterministicDates;
    private int _commits;

    private GitRepoBuilder(string root, bool deterministicDates)
    {
        Root = root;
        _deterministicDates = deterministicDates;
        var home = Path.Combine(root, "home");
        Directory.CreateDirectory(home);
        var globalConfig = Path.Combine(home, ".gitconfig");
        File.WriteAllText(globalConfig, "");
        _environment = new Dictionary<string, string?>
        {
            ["GIT_CONFIG_NOSYSTEM"] = "1",
            ["GIT_CONFIG_GLOBAL"] = globalConfig,
            ["HOME"] = home,
            ["XDG_CONFIG_HOME"] = Path.Combine(home, ".config"),
            ["GIT_TERMINAL_PROMPT"] = "0",
            ["LC_ALL"] = "C",
            ["GIT_DIR"] = null,
            ["GIT_WORK_TREE"] = null,
            ["GIT_INDEX_FILE"] = null,
        };
    }

    /// <summary>The temp directory holding everything; deleted on dispose.</summary>
    public string Root { get; }

    /// <summary>The repository's work tree.</summary>
    public string WorkTree => Path.Combine(Root, "work");

    /// <summary>The bare remote created by <see cref="CreateRemoteAsync"/>.</summary>
    public string RemotePath => Path.Combine(Root, "remote.git");

    /// <summary>The <c>file://</c> URL of <see cref="RemotePath"/>.</summary>
    public string RemoteUrl => new Uri(RemotePath).AbsoluteUri;

    /// <summary>A scratch directory under <see cref="Root"/> for the code under test (e.g. a mirror cache).</summary>
    public string ScratchDirectory(string name) => Directory.CreateDirectory(Path.Combine(Root, name)).FullName;

    /// <summary>Creates an empty repository whose first branch is <paramref name="initialBranch"/>.</summary>
    /// <exception cref="InvalidOperationException">git is not installed.</exception>
    public static async Task<GitRepoBuilder> CreateAsync(
        string initialBranch = "main",
        bool deterministicDates = true,
        CancellationToken cancellationToken = default)
    {
        if (ProcessRunner.FindOnPath("git") is null)
        {
            throw new InvalidOperationException("git is not installed; run deploy/setup.sh to install the test dependencies.");
        }

        var builder = new GitRepoBuilder(Directory.CreateTempSubdirectory("gitops-git-").FullName, deterministicDates);
        try
        {
            await builder.RunAsync(builder.Root, ["init", "--quiet", "--initial-branch", initialBranch, "work"], cancellationToken);
            await builder.GitAsync(["config", "user.name", AuthorName], cancellationToken);
            await builder.GitAsync(["config", "user.email", AuthorEmail], cancellationToken);
            await builder.GitAsync(["config", "commit.gpgsign", "false"], cancellationToken);
            return builder;
        }
        catch
        {
            builder.Dispose();
            throw;
        }
    }

    /// <summary>Writes <paramref name="text"/> as UTF-8 (no byte order mark) to a work-tree path, creating directories.</summary>
    public GitRepoBuilder WriteFile(string path, string text) => WriteBytes(path, Utf8NoBom.GetBytes(text));

    public GitRepoBuilder WriteBytes(string path, byte[] bytes)
    {
        var fullPath = FullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        File.WriteAllBytes(fullPath, bytes);
        return this;
    }

    public GitRepoBuilder DeleteFile(string path)
    {
        File.Delete(FullPath(path));
        return this;
    }

    public string ReadFile(string path) => File.ReadAllText(FullPath(path));

    /// <summary>The absolute path of a work-tree path written with forward slashes.</summary>
    public string FullPath(string path) => Path.Combine(WorkTree, path.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>Stages everything (additions, edits, deletions) for the next <see cref="CommitAsync"/>.</summary>
    public Task StageAsync(CancellationToken cancellationToken = default) => GitAsync(["add", "--all"], cancellationToken);

    /// <summary>Stages everything (additions, edits, deletions) and commits it; returns the new commit's sha.</summary>
    public async Task<string> CommitAsync(string message, CancellationToken cancellationToken = default)
    {
        await StageAsync(cancellationToken);
        await GitAsync(["commit", "--quiet", "--allow-empty", "--no-verify", "--message", message], cancellationToken);
        _commits++;
        return await HeadAsync(cancellationToken);
    }

    /// <summary>Reverts <paramref name="sha"/> with git's default message; returns the revert commit's sha.</summary>
    public async Task<string> RevertAsync(string sha, CancellationToken cancellationToken = default)
    {
        await GitAsync(["revert", "--no-edit", sha], cancellationToken);
        _commits++;
        return await HeadAsync(cancellationToken);
    }

    public Task CreateBranchAsync(string name, string startPoint = "HEAD", CancellationToken cancellationToken = default) =>
        GitAsync(["branch", name, startPoint], cancellationToken);

    public Task CheckoutAsync(string name, CancellationToken cancellationToken = default) =>
        GitAsync(["checkout", "--quiet", name], cancellationToken);

    /// <summary>Tags <paramref name="revision"/>: annotated when <paramref name="message"/> is given, lightweight otherwise.</summary>
    public Task TagAsync(string name, string? message = null, string revision = "HEAD", CancellationToken cancellationToken = default) =>
        GitAsync(message is null ? ["tag", name, revision] : ["tag", "--annotate", "--message", message, name, revision], cancellationToken);

    /// <summary>The full sha of HEAD.</summary>
    public async Task<string> HeadAsync(CancellationToken cancellationToken = default) =>
        (await GitAsync(["rev-parse", "HEAD"], cancellationToken)).Trim();

    /// <summary>
    /// Creates a bare clone at <see cref="RemotePath"/>, registers it as <c>origin</c> and returns its
    /// <c>file://</c> URL. Later commits reach it through <see cref="PushAsync"/>.
    /// </summary>
    public async Task<string> CreateRemoteAsync(CancellationToken cancellationToken = default)
    {
        await RunAsync(Root, ["clone", "--quiet", "--bare", WorkTree, RemotePath], cancellationToken);
        await GitAsync(["remote", "add", "origin", RemoteUrl], cancellationToken);
        return RemoteUrl;
    }

    /// <summary>Pushes every branch and tag to <c>origin</c>.</summary>
    public async Task PushAsync(CancellationToken cancellationToken = default)
    {
        await GitAsync(["push", "--quiet", "--all", "origin"], cancellationToken);
        await GitAsync(["push", "--quiet", "--tags", "origin"], cancellationToken);
    }

    /// <summary>Runs any git command in the work tree with the isolated configuration; returns its standard output.</summary>
    public Task<string> GitAsync(IEnumerable<string> arguments, CancellationToken cancellationToken = default) =>
        RunAsync(WorkTree, arguments, cancellationToken);

    public void Dispose()
    {
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<string> RunAsync(string directory, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var environment = new Dictionary<string, string?>(_environment);
        if (_deterministicDates)
        {
            // The n-th commit (0-based) is dated FirstCommitDate + n minutes.
            var date = FirstCommitDate.AddMinutes(_commits).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) + " +0000";
            environment["GIT_AUTHOR_DATE"] = date;
            environment["GIT_COMMITTER_DATE"] = date;
        }

        var options = new ProcessOptions { WorkingDirectory = directory, Environment = environment, Timeout = TimeSpan.FromSeconds(60) };
        var result = await ProcessRunner.RunCheckedAsync("git", arguments, options, cancellationToken);
        return result.StandardOutput;
    }
}
