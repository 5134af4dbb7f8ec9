package org.uwsgi4j.dist.osgi;

import java.io.IOException;
import java.util.List;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;

/**
 * {@link WorkerCallIT} with {@code --lazy-apps}: each worker loads the app itself, and its
 * import-time calls go on a control channel it connects only for them.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class LazyWorkerCallIT extends WorkerCallIT {

    @Override
    @Configuration
    public Option[] config() throws IOException {
        return DistFramework.kernelWith(argv(List.of("--lazy-apps")));
    }
}
