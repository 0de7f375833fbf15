using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.OpenApi;
using Validator.Backoffice.Chaos;
using Validator.Backoffice.Endpoints;
using Validator.Backoffice.Lists;
using Validator.Backoffice.Storage;
using Validator.Core.Cards;
using Validator.Core.Sync;

namespace Validator.Backoffice;

/// <summary>Composition root shared by the executable and the in-process host.</summary>
internal static class BackofficeApp
{
    public static WebApplication Build(WebApplicationBuilder builder, BackofficeOptions options)
    {
        options.Validate();
        var key = options.SigningKey ?? SigningKeyFile.LoadOrCreate(options.SigningKeyPath!);
        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(key);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(_ => new BackofficeDatabase(options.DatabasePath));
        services.AddSingleton(sp => new TapStore(sp.GetRequiredService<BackofficeDatabase>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<DeviceStore>();
        services.AddSingleton(sp => new ListRepository(sp.GetRequiredService<BackofficeDatabase>()));
        services.AddSingleton<ListPublisher>();
        services.AddSingleton<ChaosSwitch>();
        services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, SyncJsonContext.Default);
            json.SerializerOptions.TypeInfoResolverChain.Insert(1, BackofficeJsonContext.Default);
            json.SerializerOptions.Converters.Add(new CardTokenJsonConverter());
        });
        // Devices gzip their tap batches (Content-Encoding: gzip).
        services.AddRequestDecompression();
        // A body or query the routes cannot bind (bad JSON, a number where a date goes) gets a problem document saying
        // what was wrong, not an empty 400.
        services.AddProblemDetails();
        services.AddOpenApi(openApi => openApi.AddDocumentTransformer((document, _, _) =>
        {
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes["bearer"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "Device routes: the device secret, with the device id in X-Device-Id. Admin routes: the admin token.",
            };
            document.Security ??= [];
            document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearer", document)] = [] });
            return Task.CompletedTask;
        }).AddSchemaTransformer((schema, context, _) =>
        {
            // The token is written as 32 hex digits by its converter, not as the struct's two halves.
            if (context.JsonTypeInfo.Type == typeof(CardToken))
            {
                schema.Type = JsonSchemaType.String;
                schema.Pattern = "^[0-9A-F]{32}$";
                schema.Properties?.Clear();
            }
            return Task.CompletedTask;
        }));

        var app = builder.Build();
        // The stores create their collections and indexes when built; build them all now, before the first request,
        // so no request creates a collection while another reads (see BackofficeDatabase.EnsureCollection).
        _ = app.Services.GetRequiredService<TapStore>();
        _ = app.Services.GetRequiredService<DeviceStore>();
        _ = app.Services.GetRequiredService<ListRepository>();
        _ = app.Services.GetRequiredService<ListPublisher>();
        // Unhandled exceptions and empty error answers (a body that does not bind) become problem documents.
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRequestDecompression();
        app.MapOpenApi();
        DeviceEndpoints.Map(app);
        AdminEndpoints.Map(app);
        app.Lifetime.ApplicationStopped.Register(() => app.Services.GetRequiredService<BackofficeDatabase>().Dispose());
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var url = BoundUrl(app);
            BackofficeLog.Listening(app.Logger, url.ToString(), ListSigning.KeyId(key));
        });
        return app;
    }

    /// <summary>The first address Kestrel bound (with the real port when 0 was asked for).</summary>
    public static Uri BoundUrl(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        var first = addresses?.FirstOrDefault() ?? throw new InvalidOperationException("The back office is not listening.");
        return new Uri(first.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
    }
}
