package fr.ordo.tools.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URL;
import java.net.URLConnection;
import java.net.URLStreamHandler;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.utilities.http.ManagedWebAccess;

/**
 * Validates FHIR R4 resources against the R4 core specification, offline, and reports each
 * resource's errors and warnings as one line of JSON.
 *
 * <pre>
 *   java -jar .local/fhir-validator/ordo-fhir-validator.jar [file ...]    (no file, or "-": stdin)
 * </pre>
 *
 * Input: JSON resources one after another (one per line, or pretty-printed), or JSON arrays of
 * them. Output on stdout, one line per resource, in input order:
 * {@code {"index":0,"resourceType":"MedicationRequest","id":"…","errors":[…],"warnings":[…]}},
 * each issue {@code {"severity","location","line","message","messageId"}}. A summary goes to
 * stderr. Exit status: 0 when every resource was validated (whatever it was found to be), 2 when
 * the input cannot be read, 3 when anything tried to reach the network.
 *
 * <p>What it checks against: the R4 StructureDefinitions, ValueSets and CodeSystems bundled in
 * hapi-fhir-validation-resources-r4, the code systems HAPI knows without a server (UCUM, MIME types,
 * languages, countries, currencies), and snapshots it generates itself. No terminology server, no
 * package registry: a code from a system it does not hold (the ANSM's, France's OIDs) is reported
 * as a warning that it could not be checked, never fetched.
 */
public final class ValidateFhir {

  private static final List<String> networkAttempts = Collections.synchronizedList(new ArrayList<>());

  private ValidateFhir() {}

  public static void main(String[] args) throws IOException {
    // Before any HAPI class loads and makes its logger: start-up chatter would drown the report.
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    // Parsing its own bundled definitions, HAPI warns of an element R4 does not have: not the input's fault.
    System.setProperty("org.slf4j.simpleLogger.log.ca.uhn.fhir.parser.LenientErrorHandler", "error");
    // stdout carries the report alone: anything a library prints goes to stderr.
    PrintStream report = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    System.setOut(System.err);
    refuseNetwork();

    long started = System.nanoTime();
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> resources = new ArrayList<>();
    try {
      if (args.length == 0) {
        read(System.in, json, resources);
      } else {
        for (String arg : args) {
          try (InputStream in = arg.equals("-") ? System.in : new FileInputStream(arg)) {
            read(in, json, resources);
          }
        }
      }
    } catch (IOException e) {
      System.err.println("cannot read the resources: " + e.getMessage());
      System.exit(2);
    }

    // Seconds of loading the R4 definitions: only once the input is known to be readable.
    FhirValidator validator = r4Validator();
    int errors = 0;
    int warnings = 0;
    for (int index = 0; index < resources.size(); index++) {
      JsonNode resource = resources.get(index);
      ValidationResult result = validator.validateWithResult(json.writeValueAsString(resource));
      ObjectNode line = json.createObjectNode();
      line.put("index", index);
      line.put("resourceType", resource.path("resourceType").asText(null));
      line.put("id", resource.path("id").asText(null));
      ArrayNode lineErrors = line.putArray("errors");
      ArrayNode lineWarnings = line.putArray("warnings");
      for (SingleValidationMessage message : result.getMessages()) {
        ResultSeverityEnum severity = message.getSeverity();
        if (severity == ResultSeverityEnum.ERROR || severity == ResultSeverityEnum.FATAL) {
          lineErrors.add(issue(json, message));
          errors++;
        } else if (severity == ResultSeverityEnum.WARNING) {
          lineWarnings.add(issue(json, message));
          warnings++;
        }
      }
      report.println(json.writeValueAsString(line));
    }
    report.flush();

    long elapsedMs = (System.nanoTime() - started) / 1_000_000;
    System.err.printf(
        "validated %d FHIR R4 resources in %d ms: %d errors, %d warnings; network attempts: %d%n",
        resources.size(), elapsedMs, errors, warnings, networkAttempts.size());
    if (!networkAttempts.isEmpty()) {
      networkAttempts.forEach(target -> System.err.println("  tried to reach " + target));
      System.exit(3);
    }
  }

  /** The validator over what ships in the jars, in the order HAPI documents for offline use. */
  private static FhirValidator r4Validator() {
    FhirContext context = FhirContext.forR4Cached();
    ValidationSupportChain support =
        new ValidationSupportChain(
            new DefaultProfileValidationSupport(context),
            new CommonCodeSystemsTerminologyService(context),
            new InMemoryTerminologyServerValidationSupport(context),
            new SnapshotGeneratingValidationSupport(context));
    FhirValidator validator = context.newValidator();
    validator.registerValidatorModule(new FhirInstanceValidator(support));
    return validator;
  }

  private static void read(InputStream in, ObjectMapper json, List<JsonNode> resources) throws IOException {
    try (MappingIterator<JsonNode> values = json.readerFor(JsonNode.class).readValues(in)) {
      while (values.hasNextValue()) {
        JsonNode value = values.nextValue();
        if (value.isArray()) value.forEach(resources::add);
        else resources.add(value);
      }
    }
  }

  private static ObjectNode issue(ObjectMapper json, SingleValidationMessage message) {
    ObjectNode issue = json.createObjectNode();
    issue.put("severity", message.getSeverity().getCode());
    issue.put("location", message.getLocationString());
    if (message.getLocationLine() != null) issue.put("line", message.getLocationLine());
    issue.put("message", message.getMessage());
    issue.put("messageId", message.getMessageId());
    return issue;
  }

  /**
   * The promise is an offline validation: the HL7 core's own switch forbids its web access, and
   * anything else that opens a connection (a URL, a socket) is refused and recorded, which makes
   * the run fail with status 3 instead of quietly depending on the network.
   */
  private static void refuseNetwork() {
    ManagedWebAccess.setAccessPolicy(ManagedWebAccess.WebAccessPolicy.PROHIBITED);
    URL.setURLStreamHandlerFactory(
        protocol ->
            protocol.equals("http") || protocol.equals("https")
                ? new URLStreamHandler() {
                  @Override
                  protected URLConnection openConnection(URL url) throws IOException {
                    networkAttempts.add(url.toString());
                    throw new IOException("the FHIR validator runs offline: " + url);
                  }
                }
                : null);
    // Sockets ask the proxy selector where to connect: send them to a closed port and note where they meant to go.
    SocketAddress nowhere = new InetSocketAddress(InetAddress.getLoopbackAddress(), 9);
    ProxySelector.setDefault(
        new ProxySelector() {
          @Override
          public List<Proxy> select(URI target) {
            networkAttempts.add(target.toString());
            boolean socket = "socket".equalsIgnoreCase(target.getScheme());
            return List.of(new Proxy(socket ? Proxy.Type.SOCKS : Proxy.Type.HTTP, nowhere));
          }

          @Override
          public void connectFailed(URI target, SocketAddress address, IOException failure) {}
        });
  }
}
