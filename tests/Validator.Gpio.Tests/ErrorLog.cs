using Microsoft.Extensions.Logging;

namespace Validator.Gpio.Tests;

/// <summary>A logger provider that keeps the errors logged, to check what reaches the log and how often.</summary>
internal sealed class ErrorLog : ILoggerProvider, ILogger
{
    private readonly List<string> _errors = [];

    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (_errors)
            {
                return [.. _errors];
            }
        }
    }

    public ILoggerFactory Factory() => LoggerFactory.Create(builder => builder.AddProvider(this));

    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            lock (_errors)
            {
                _errors.Add(formatter(state, exception) + (exception is null ? string.Empty : " | " + exception.Message));
            }
        }
    }

    public void Dispose()
    {
    }
}
