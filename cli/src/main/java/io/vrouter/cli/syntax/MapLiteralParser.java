package io.vrouter.cli.syntax;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.regex.Pattern;

/**
 * Parses the Python-style literals zstack-cli accepts for map and list parameters, e.g.
 * {@code {'1d1d...':['DHCP','SNAT']}}, into JSON.
 *
 * <p>Strings take single or double quotes (with backslash escapes); unquoted words are allowed too, since users
 * type {@code [DHCP,SNAT]}: {@code true/false/True/False} become booleans, {@code null/None} null, numbers
 * numbers, anything else a string. A trailing comma is accepted as Python accepts it. Errors give the 1-based
 * position, because map literals are long and typed on one line.
 */
public final class MapLiteralParser {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final Pattern INTEGER = Pattern.compile("-?\\d+");
    private static final Pattern DECIMAL = Pattern.compile("-?\\d+(\\.\\d+)?([eE][-+]?\\d+)?");

    private final String text;
    private int pos;

    private MapLiteralParser(String text) {
        this.text = text;
    }

    /** Parses a map literal; anything but a map at the top is an error. */
    public static ObjectNode parseMap(String text) throws SyntaxException {
        MapLiteralParser p = new MapLiteralParser(text);
        p.skipSpace();
        if (p.peek() != '{') {
            throw p.error("expected '{'");
        }
        ObjectNode map = p.parseObject();
        p.expectEnd();
        return map;
    }

    /** Parses a list literal such as {@code ['a','b']}. */
    public static ArrayNode parseList(String text) throws SyntaxException {
        MapLiteralParser p = new MapLiteralParser(text);
        p.skipSpace();
        if (p.peek() != '[') {
            throw p.error("expected '['");
        }
        ArrayNode list = p.parseArray();
        p.expectEnd();
        return list;
    }

    private JsonNode parseValue() throws SyntaxException {
        skipSpace();
        char c = peek();
        if (c == '{') {
            return parseObject();
        }
        if (c == '[') {
            return parseArray();
        }
        if (c == '\'' || c == '"') {
            return JSON.textNode(parseQuoted());
        }
        return bareValue(parseBare("a value"));
    }

    private ObjectNode parseObject() throws SyntaxException {
        ObjectNode map = JSON.objectNode();
        pos++; // '{'
        skipSpace();
        while (peek() != '}') {
            String key = peek() == '\'' || peek() == '"' ? parseQuoted() : parseBare("a key");
            skipSpace();
            if (peek() != ':') {
                throw error("expected ':' after key '" + key + "'");
            }
            pos++;
            map.set(key, parseValue());
            if (!separatorOrEnd('}')) {
                throw error("expected ',' or '}'");
            }
        }
        pos++; // '}'
        return map;
    }

    private ArrayNode parseArray() throws SyntaxException {
        ArrayNode list = JSON.arrayNode();
        pos++; // '['
        skipSpace();
        while (peek() != ']') {
            list.add(parseValue());
            if (!separatorOrEnd(']')) {
                throw error("expected ',' or ']'");
            }
        }
        pos++; // ']'
        return list;
    }

    /** After an element: consumes a ',' and returns true, or returns true before the closing bracket. */
    private boolean separatorOrEnd(char close) {
        skipSpace();
        if (peek() == ',') {
            pos++;
            skipSpace();
            return true;
        }
        return peek() == close;
    }

    private String parseQuoted() throws SyntaxException {
        int start = pos;
        char quote = text.charAt(pos++);
        StringBuilder sb = new StringBuilder();
        while (pos < text.length()) {
            char c = text.charAt(pos++);
            if (c == quote) {
                return sb.toString();
            }
            if (c == '\\' && pos < text.length()) {
                char e = text.charAt(pos++);
                sb.append(switch (e) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    default -> e;
                });
            } else {
                sb.append(c);
            }
        }
        pos = start;
        throw error("unclosed quote");
    }

    private String parseBare(String what) throws SyntaxException {
        int start = pos;
        while (pos < text.length() && isBareChar(text.charAt(pos))) {
            pos++;
        }
        if (start == pos) {
            throw error(pos < text.length() ? "expected " + what : "unexpected end, expected " + what);
        }
        return text.substring(start, pos);
    }

    private static boolean isBareChar(char c) {
        return !Character.isWhitespace(c) && ",:{}[]'\"".indexOf(c) < 0;
    }

    private static JsonNode bareValue(String word) {
        switch (word) {
            case "true", "True" -> {
                return JSON.booleanNode(true);
            }
            case "false", "False" -> {
                return JSON.booleanNode(false);
            }
            case "null", "None" -> {
                return JSON.nullNode();
            }
            default -> {
                if (INTEGER.matcher(word).matches()) {
                    BigInteger n = new BigInteger(word);
                    return n.bitLength() < 64 ? JSON.numberNode(n.longValue()) : JSON.numberNode(n);
                }
                if (DECIMAL.matcher(word).matches()) {
                    return JSON.numberNode(new BigDecimal(word));
                }
                return JSON.textNode(word);
            }
        }
    }

    private void expectEnd() throws SyntaxException {
        skipSpace();
        if (pos < text.length()) {
            throw error("unexpected '" + text.charAt(pos) + "' after the end");
        }
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private void skipSpace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private SyntaxException error(String what) {
        if (pos >= text.length() && !what.startsWith("unexpected end")) {
            what = "unexpected end, " + what;
        }
        return new SyntaxException(what + " at position " + (pos + 1));
    }
}
