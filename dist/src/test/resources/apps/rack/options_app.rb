# RackIT's app for the load options: a .rb file (Rack::Builder.parse_file requires it and runs
# the constant its name camelizes to, OptionsApp). It answers what --rb-require,
# --shared-rb-require (from --rb-lib), --gemset, --threads and --ruby-interpreter did.
class OptionsApp
  def self.call(env)
    seen = [defined?(Helper) ? Helper::NAME : "-", defined?(Shared) ? Shared::NAME : "-",
            ENV["GEMSET_MARK"] || "-", ENV["VIA_INTERPRETER"] || "-", "multithread=#{env['rack.multithread']}"]
    [200, { "Content-Type" => "text/plain" }, [seen.join(" ")]]
  end
end
