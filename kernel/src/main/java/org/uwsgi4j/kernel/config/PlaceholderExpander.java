package org.uwsgi4j.kernel.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The three passes uWSGI makes over the whole list once every source is read, in this
 * order: {@code $(NAME)} environment variables, {@code @(file)} file contents (and
 * {@code @(exec://command)} output), then {@code %(name)} references to the first value of
 * any entry (option or placeholder, set before or after), with uWSGI's pipeline arithmetic
 * when the name has spaces ({@code %(processes threads + 1)}). Entries acted on while
 * reading (ini, set-ph, logic…) are not rewritten. An unknown name is left as written. A
 * reference that leads back to itself is a ConfigException instead of uWSGI's endless loop.
 */
final class PlaceholderExpander {

    @FunctionalInterface
    private interface Hook {
        String lookup(String name, Slot slot) throws ConfigException;
    }

    private static final long EXEC_TIMEOUT_SECONDS = 60;

    private final List<Slot> slots;
    private final Map<String, String> env;
    private final Path cwd;

    PlaceholderExpander(List<Slot> slots, Map<String, String> env, Path cwd) {
        this.slots = slots;
        this.env = env;
        this.cwd = cwd;
    }

    /** Runs the three passes over every slot that takes them. */
    void expandAll() throws ConfigException {
        pass('$', (name, slot) -> env.get(name));
        pass('@', this::readResource);
        pass('%', this::reference);
    }

    private void pass(char symbol, Hook hook) throws ConfigException {
        for (Slot slot : slots) {
            if (slot.value != null && !slot.consumed && !slot.inherited) {
                slot.value = expand(slot.value, symbol, hook, slot, new ArrayDeque<>());
            }
        }
    }

    private String expand(String text, char symbol, Hook hook, Slot slot, Deque<String> stack) throws ConfigException {
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c != symbol || i + 1 >= n || text.charAt(i + 1) != '(') {
                out.append(c);
                i++;
                continue;
            }
            int close = closingParen(text, i + 2);
            if (close < 0) {
                out.append(text, i, n);
                break;
            }
            String name = text.substring(i + 2, close);
            String value = name.isEmpty() ? null : hook.lookup(name, slot);
            if (value == null) {
                out.append(text, i, close + 1);
            } else {
                String marker = symbol + "(" + name + ")";
                if (stack.contains(marker)) {
                    List<String> chain = new ArrayList<>(stack.reversed());
                    chain.add(marker);
                    throw ConfigException.at(slot.origin, slot.key, "placeholder loop: " + String.join(" -> ", chain));
                }
                stack.push(marker);
                out.append(expand(value, symbol, hook, slot, stack));
                stack.pop();
            }
            i = close + 1;
        }
        return out.toString();
    }

    private static int closingParen(String text, int from) {
        int depth = 0;
        for (int j = from; j < text.length(); j++) {
            char c = text.charAt(j);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                if (depth == 0) {
                    return j;
                }
                depth--;
            }
        }
        return -1;
    }

    private String readResource(String name, Slot slot) throws ConfigException {
        if (name.startsWith("exec://")) {
            return chomp(exec(name.substring("exec://".length()), slot));
        }
        if (name.matches("[a-z][a-z0-9+.-]*://.*")) {
            throw ConfigException.at(slot.origin, slot.key, "@(" + name + "): only files and exec:// are supported");
        }
        try {
            return chomp(Files.readString(cwd.resolve(name), StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw ConfigException.at(slot.origin, slot.key, "@(" + name + "): no such file");
        } catch (IOException e) {
            throw ConfigException.at(slot.origin, slot.key, "@(" + name + "): " + e.getMessage());
        }
    }

    private String exec(String command, Slot slot) throws ConfigException {
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", command).directory(cwd.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().clear();
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(EXEC_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw ConfigException.at(slot.origin, slot.key, "@(exec://" + command + ") did not finish");
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw ConfigException.at(slot.origin, slot.key, "@(exec://" + command + "): " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ConfigException.at(slot.origin, slot.key, "@(exec://" + command + ") was interrupted");
        }
    }

    private static String chomp(String s) {
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == '\n' || s.charAt(end - 1) == '\r')) {
            end--;
        }
        return s.substring(0, end);
    }

    private String first(String key) {
        for (Slot s : slots) {
            if (s.key.equals(key)) {
                return s.value;
            }
        }
        return null;
    }

    private String reference(String name, Slot slot) throws ConfigException {
        if (name.indexOf(' ') < 0) {
            return first(name);
        }
        return arithmetic(name, slot);
    }

    private enum Op { CONCAT, SUM, SUB, MUL, DIV }

    /** uWSGI's placeholder pipeline: tokens applied left to right, no precedence. */
    private String arithmetic(String expression, Slot slot) throws ConfigException {
        Op op = Op.CONCAT;
        String current = null;
        for (String token : expression.split(" ")) {
            if (token.isEmpty()) {
                continue;
            }
            switch (token) {
                case "+" -> op = Op.SUM;
                case "-" -> op = Op.SUB;
                case "*" -> op = Op.MUL;
                case "/" -> op = Op.DIV;
                case "++", "--" -> {
                    if (current != null) {
                        current = String.valueOf(strtoll(current) + (token.equals("++") ? 1 : -1));
                    }
                    op = Op.CONCAT;
                }
                default -> {
                    String value;
                    if (token.chars().allMatch(Character::isDigit)) {
                        value = token;
                    } else {
                        String found = first(token);
                        value = found == null ? "" : expand(found, '%', this::reference, slot, new ArrayDeque<>(List.of("%(" + token + ")")));
                    }
                    current = apply(op, current, value);
                    op = Op.CONCAT;
                }
            }
        }
        return current;
    }

    private static String apply(Op op, String current, String value) {
        long a = current == null ? 0 : strtoll(current);
        long b = strtoll(value);
        return switch (op) {
            case CONCAT -> (current == null ? "" : current) + value;
            case SUM -> String.valueOf(a + b);
            case SUB -> String.valueOf(a - b);
            case MUL -> String.valueOf(a * b);
            case DIV -> String.valueOf(b == 0 ? 0 : a / b);
        };
    }

    /** C's strtoll(s, NULL, 10): leading blanks, an optional sign, then as many digits as there are. */
    static long strtoll(String s) {
        int i = 0;
        int n = s.length();
        while (i < n && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        boolean negative = false;
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        long v = 0;
        while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            v = v * 10 + (s.charAt(i) - '0');
            i++;
        }
        return negative ? -v : v;
    }
}
