package io.vrouter.server.http;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import io.vrouter.api.ApiError;
import org.jooq.exception.DataAccessException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

class InternalErrorsTest {
    private static final String SQL = "insert into instance_offering (uuid, allocator_strategy) values (?, ?)";

    private final Logger logger = (Logger) LoggerFactory.getLogger(InternalErrors.class);
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

    @BeforeEach
    void capture() {
        logged.start();
        logger.addAppender(logged);
    }

    @AfterEach
    void release() {
        logger.detachAppender(logged);
    }

    /** Everything a log line of the event prints: its message and every message and class of its causes. */
    private static String printed(ILoggingEvent event) {
        StringBuilder all = new StringBuilder(event.getFormattedMessage());
        for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
            all.append('\n').append(t.getClassName()).append(": ").append(t.getMessage());
        }
        return all.toString();
    }

    @Test
    void aDatabaseErrorIsAGenericReplyAndALogLineWithoutItsStatement() {
        SQLException driver = new SQLException("Value too long for column ALLOCATOR_STRATEGY; SQL statement: " + SQL, "22001");
        DataAccessException jooq = new DataAccessException("SQL [" + SQL + "]; " + driver.getMessage(), driver);
        ApiError.Envelope reply = InternalErrors.report("POST", "/v1/api/CreateInstanceOffering",
                new IllegalStateException("cannot create: " + jooq.getMessage(), jooq));

        assertThat(reply.error().code()).isEqualTo("SYS.1000");
        assertThat(reply.error().details()).matches("internal error [0-9a-f]{12}: the node logged the details under this id")
                .doesNotContainIgnoringCase("insert");
        assertThat(logged.list).hasSize(1);
        String line = printed(logged.list.get(0));
        String incident = reply.error().details().substring("internal error ".length(), "internal error ".length() + 12);
        assertThat(line).contains(incident).contains("SQL state 22001").contains(DataAccessException.class.getName())
                .doesNotContainIgnoringCase("insert into").doesNotContain("ALLOCATOR_STRATEGY");
        assertThat(logged.list.get(0).getThrowableProxy().getStackTraceElementProxyArray()).isNotEmpty();
    }

    @Test
    void anyOtherBugKeepsItsMessageInTheLogOnly() {
        ApiError.Envelope reply = InternalErrors.report("POST", "/v1/api/X", new NullPointerException("field x of /secret/path"));
        assertThat(reply.error().details()).doesNotContain("/secret/path").doesNotContain("NullPointerException");
        assertThat(printed(logged.list.get(0))).contains("/secret/path");
    }
}
