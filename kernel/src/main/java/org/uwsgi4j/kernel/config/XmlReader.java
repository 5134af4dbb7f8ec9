package org.uwsgi4j.kernel.config;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParserFactory;
import org.xml.sax.Attributes;
import org.xml.sax.InputSource;
import org.xml.sax.Locator;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Reads one stanza of an XML config file with the JDK's SAX parser: without a section, the
 * root element must be {@code <uwsgi>}; with one, the stanza is the {@code <uwsgi id="…">}
 * element with that id, anywhere in the document. Each child element is an option named by
 * its tag, valued by its trimmed text; an empty element ({@code <master/>}) is {@code 1}.
 * DOCTYPEs are refused, so no external entity is ever fetched.
 */
final class XmlReader {

    private XmlReader() {
    }

    /** The entries of stanza {@code section} (null: the root stanza) in {@code text}. */
    static ParsedSource read(String text, String section, String label) throws ConfigException {
        Handler handler = new Handler(section, label);
        try {
            SAXParserFactory factory = SAXParserFactory.newInstance();
            factory.setNamespaceAware(false);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.newSAXParser().parse(new InputSource(new StringReader(text)), handler);
        } catch (SAXParseException e) {
            throw new ConfigException(Origin.of(label, Math.max(e.getLineNumber(), 0)) + ": invalid XML: " + e.getMessage());
        } catch (SAXException | ParserConfigurationException | IOException e) {
            throw new ConfigException(label + ": invalid XML: " + e.getMessage());
        }
        return new ParsedSource(handler.entries, handler.found);
    }

    private static final class Handler extends DefaultHandler {
        private final String section;
        private final String label;
        private final List<RawEntry> entries = new ArrayList<>();
        private final StringBuilder textBuffer = new StringBuilder();
        private Locator locator;
        private boolean found;
        private int depth;
        private int stanzaDepth = -1;
        private String key;
        private int keyLine;

        Handler(String section, String label) {
            this.section = section;
            this.label = label;
        }

        @Override
        public void setDocumentLocator(Locator locator) {
            this.locator = locator;
        }

        @Override
        public void startElement(String uri, String localName, String qName, Attributes attributes) {
            depth++;
            if (stanzaDepth < 0) {
                boolean match = qName.equals("uwsgi") && (section == null
                        ? depth == 1
                        : section.equals(attributes.getValue("id")));
                if (match && !found) {
                    found = true;
                    stanzaDepth = depth;
                }
                return;
            }
            if (depth == stanzaDepth + 1) {
                key = qName;
                keyLine = locator == null ? 0 : locator.getLineNumber();
                textBuffer.setLength(0);
            }
        }

        @Override
        public void characters(char[] ch, int start, int length) {
            if (key != null) {
                textBuffer.append(ch, start, length);
            }
        }

        @Override
        public void endElement(String uri, String localName, String qName) {
            if (key != null && depth == stanzaDepth + 1) {
                String value = textBuffer.toString().strip();
                entries.add(new RawEntry(key, value.isEmpty() ? "1" : value, Origin.of(label, keyLine)));
                key = null;
            }
            if (depth == stanzaDepth) {
                stanzaDepth = Integer.MAX_VALUE;
            }
            depth--;
        }
    }
}
