namespace GitOps.HAProxy.Apply;

/// <summary><c>add server</c>, then <c>enable health</c> when it checks, then <c>enable server</c>.</summary>
internal sealed record AddServerOperation(string Backend, ServerLine Line) : RuntimeOperation(Backend, Line.Name)
{
    public string AddCommand =>
        $"add server {Target} {Line.Endpoint}{(Line.Arguments.Count > 0 ? " " + string.Join(' ', Line.Arguments) : "")}";

    public override string Describe() => $"add {Target} {Line.Endpoint}";
}
