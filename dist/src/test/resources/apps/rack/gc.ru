# RackIT's --ruby-gc-freq app: counts the GC.start calls of its worker (the host's forced full
# GCs) and answers "STARTS GC.count".
module CountedStarts
  def start(*args, **opts)
    $gc_starts += 1
    super
  end
end
$gc_starts = 0
GC.singleton_class.prepend(CountedStarts)

run ->(env) { [200, { "Content-Type" => "text/plain" }, ["#{$gc_starts} #{GC.count}"]] }
