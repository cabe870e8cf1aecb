using GitOps.Core.Discovery;
using GitOps.Core.Events;
using GitOps.Docker.Discovery;
using Xunit;

namespace GitOps.Docker.Tests.Discovery;

public sealed class ContainerPictureLifecycleTests
{
    private const string Id = "8dfafdbc3a40aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private static readonly DateTimeOffset FirstRun = new(2026, 12, 3, 14, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset SecondRun = FirstRun.AddSeconds(5);

    [Theory]
    [InlineData("SIGTERM", 15)]
    [InlineData("TERM", 15)]
    [InlineData("sigquit", 3)]
    [InlineData("15", 15)]
    [InlineData("9", 9)]
    [InlineData("SIGRTMIN+3", null)]
    [InlineData("", null)]
    [InlineData("0", null)]
    public void Parse_SignalAsDockerWritesIt_IsItsNumber(string text, int? expected) =>
        Assert.Equal(expected, StopSignals.Parse(text));

    [Fact]
    public void Name_KnownAndUnknownNumbers_AreNamed()
    {
        Assert.Equal("SIGTERM", StopSignals.Name(15));
        Assert.Equal("SIGKILL", StopSignals.Name(9));
        Assert.Equal("signal 40", StopSignals.Name(40));
    }

    [Fact]
    public void ParseTime_NineFractionalDigits_KeepsHundredNanoseconds() =>
        Assert.Equal(FirstRun.AddTicks(1234567), DockerContainers.ParseTime("2026-12-03T14:00:00.123456789Z"));

    [Fact]
    public void Stopping_RunningContainer_PublishesStoppedWithTheSignalAndKeepsThatRunOut()
    {
        var picture = new ContainerPicture("lb1");
        picture.Apply(Id, Inspected(FirstRun));

        var stopping = picture.Stopping(Id, FirstRun, "SIGTERM");

        Assert.Equal([new ContainerStopped { Host = "lb1", ContainerId = Id, Name = "web-1", Signal = "SIGTERM" }], stopping);
        Assert.Empty(picture.Apply(Id, Inspected(FirstRun)));
        Assert.Empty(picture.Replace([Inspected(FirstRun).Container]).Resynced.Snapshot);
        Assert.False(picture.Containers.ContainsKey(Id));
    }

    [Fact]
    public void Apply_AfterStoppingTheContainerRunsAgain_PublishesStarted()
    {
        var picture = new ContainerPicture("lb1");
        picture.Apply(Id, Inspected(FirstRun));
        picture.Stopping(Id, FirstRun, "SIGTERM");

        var changes = picture.Apply(Id, Inspected(SecondRun));

        Assert.IsType<ContainerStarted>(Assert.Single(changes));
        Assert.Empty(picture.GoingAway);
    }

    [Fact]
    public void Apply_AfterStoppingTheContainerExited_ForgetsTheRunWithoutAnotherStop()
    {
        var picture = new ContainerPicture("lb1");
        picture.Apply(Id, Inspected(FirstRun));
        picture.Stopping(Id, FirstRun, "SIGTERM");

        Assert.Empty(picture.Apply(Id, Inspected(FirstRun, "exited")));
        Assert.Empty(picture.GoingAway);
    }

    [Fact]
    public void Apply_ExitedWithTheSignalThatEndedIt_PublishesStoppedWithTheSignal()
    {
        var picture = new ContainerPicture("lb1");
        picture.Apply(Id, Inspected(FirstRun));

        var changes = picture.Apply(Id, Inspected(FirstRun, "exited"), "SIGKILL");

        Assert.Equal("SIGKILL", Assert.IsType<ContainerStopped>(Assert.Single(changes)).Signal);
    }

    private static InspectedContainer Inspected(DateTimeOffset startedAt, string state = ObservedContainer.RunningState) =>
        new(new ObservedContainer { Id = Id, Name = "web-1", State = state }, startedAt, StopSignals.Terminate);
}
