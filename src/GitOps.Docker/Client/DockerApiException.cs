using System.Net;

namespace GitOps.Docker.Client;

/// <summary>The engine answered a request with an error status; <see cref="DockerMessage"/> is its own <c>{"message": …}</c>.</summary>
public sealed class DockerApiException : DockerException
{
    public DockerApiException(string request, HttpStatusCode statusCode, string dockerMessage)
        : base($"Docker engine refused {request}: {(int)statusCode} {dockerMessage}")
    {
        Request = request;
        StatusCode = statusCode;
        DockerMessage = dockerMessage;
    }

    /// <summary>The request, e.g. <c>GET /containers/abc/json</c> (without the API version prefix).</summary>
    public string Request { get; }

    public HttpStatusCode StatusCode { get; }

    /// <summary>The engine's explanation, e.g. <c>No such container: abc</c>.</summary>
    public string DockerMessage { get; }

    /// <summary>True for 404: the container (or other object) does not exist.</summary>
    public bool IsNotFound => StatusCode == HttpStatusCode.NotFound;
}
