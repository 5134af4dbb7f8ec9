# A mounted Rack app (RackIT): answers which app it is, SCRIPT_NAME and PATH_INFO.
run ->(env) { [200, { "Content-Type" => "text/plain" }, ["rack #{File.basename(__FILE__)} #{env['SCRIPT_NAME']} #{env['PATH_INFO']}"]] }
