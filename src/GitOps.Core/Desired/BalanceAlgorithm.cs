namespace GitOps.Core.Desired;

public enum BalanceAlgorithm
{
    RoundRobin,
    LeastConn,
    Source,
    First,
    Random,
}
