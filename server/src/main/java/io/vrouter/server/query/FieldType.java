package io.vrouter.server.query;

import org.jooq.DataType;
import org.jooq.impl.SQLDataType;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** The type of a queryable field: how a condition's text becomes a SQL value and how a column becomes JSON. */
public enum FieldType {
    STRING(SQLDataType.VARCHAR),
    INTEGER(SQLDataType.INTEGER),
    LONG(SQLDataType.BIGINT),
    DOUBLE(SQLDataType.DOUBLE),
    BOOLEAN(SQLDataType.BOOLEAN),
    /** Stored as UTC without zone; shown as an ISO-8601 instant. */
    TIMESTAMP(SQLDataType.LOCALDATETIME);

    private static final DateTimeFormatter SQL_STYLE = DateTimeFormatter.ofPattern("yyyy-MM-dd[ HH:mm[:ss]]");

    private final DataType<?> sqlType;

    FieldType(DataType<?> sqlType) {
        this.sqlType = sqlType;
    }

    public DataType<?> sqlType() {
        return sqlType;
    }

    /** Converts a condition value; throws IllegalArgumentException with the expected form. */
    public Object parse(String text) {
        String t = text.trim();
        try {
            return switch (this) {
                case STRING -> text;
                case INTEGER -> Integer.parseInt(t);
                case LONG -> Long.parseLong(t);
                case DOUBLE -> Double.parseDouble(t);
                case BOOLEAN -> {
                    if (!t.equalsIgnoreCase("true") && !t.equalsIgnoreCase("false")) {
                        throw new IllegalArgumentException("expected true or false");
                    }
                    yield Boolean.parseBoolean(t);
                }
                case TIMESTAMP -> parseTimestamp(t);
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected " + (this == DOUBLE ? "a number" : "a whole number"));
        }
    }

    private static LocalDateTime parseTimestamp(String t) {
        try {
            return LocalDateTime.ofInstant(Instant.parse(t), ZoneOffset.UTC);
        } catch (DateTimeParseException ignored) {
            // not an ISO instant; try the other accepted forms
        }
        if (t.matches("\\d{10,13}")) {
            long epoch = Long.parseLong(t);
            return LocalDateTime.ofInstant(t.length() == 13 ? Instant.ofEpochMilli(epoch) : Instant.ofEpochSecond(epoch), ZoneOffset.UTC);
        }
        try {
            var parsed = SQL_STYLE.parseBest(t, LocalDateTime::from, java.time.LocalDate::from);
            return parsed instanceof LocalDateTime ldt ? ldt : ((java.time.LocalDate) parsed).atStartOfDay();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("expected a time such as 2026-01-31T12:00:00Z, 2026-01-31 12:00:00 or epoch seconds");
        }
    }

    /** The JSON form of a column value. */
    public Object toJson(Object value) {
        if (value == null) {
            return null;
        }
        if (this == TIMESTAMP) {
            LocalDateTime ldt = value instanceof LocalDateTime l ? l : ((java.sql.Timestamp) value).toLocalDateTime();
            return ldt.toInstant(ZoneOffset.UTC).toString();
        }
        return value;
    }
}
