using Validator.Backoffice;

var builder = WebApplication.CreateBuilder(args);
var options = new BackofficeOptions();
builder.Configuration.GetSection(BackofficeOptions.Section).Bind(options);
// --urls (or ASPNETCORE_URLS) wins over the configured Url.
if (string.IsNullOrEmpty(builder.Configuration["urls"])) builder.WebHost.UseUrls(options.Url);
var app = BackofficeApp.Build(builder, options);
await app.RunAsync().ConfigureAwait(false);
