using Validator.Backoffice;

var builder = WebApplication.CreateBuilder(args);
// Not appsettings.json: a project that hosts the back office in process (the daemon's demo) gets this file copied
// into its own output, where an appsettings.json would overwrite the host's.
builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Json.JsonConfigurationSource
{
    Path = "backoffice.settings.json",
    Optional = true,
    ReloadOnChange = false,
    FileProvider = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(AppContext.BaseDirectory),
});
var options = new BackofficeOptions();
builder.Configuration.GetSection(BackofficeOptions.Section).Bind(options);
// --urls (or ASPNETCORE_URLS) wins over the configured Url.
if (string.IsNullOrEmpty(builder.Configuration["urls"])) builder.WebHost.UseUrls(options.Url);
var app = BackofficeApp.Build(builder, options);
await app.RunAsync().ConfigureAwait(false);
