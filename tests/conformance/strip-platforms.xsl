<?xml version="1.0" encoding="UTF-8"?>
<!--
  strip-platforms.xsl - test-only transform for
  tests/conformance/compare-oscap-xccdf.sh: copy a SCAP source data stream
  (or a standalone XCCDF benchmark) unchanged except that every
  xccdf:platform element (Benchmark, Profile, Group and Rule level; XCCDF
  1.2 and 1.1 namespaces) is dropped, so that every selected rule is
  evaluated on the host whatever the content's applicability.
  usage: xsltproc strip-platforms.xsl ds.xml > ds-noplatform.xml
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:x12="http://checklists.nist.gov/xccdf/1.2"
    xmlns:x11="http://checklists.nist.gov/xccdf/1.1">
  <xsl:template match="@*|node()">
    <xsl:copy>
      <xsl:apply-templates select="@*|node()"/>
    </xsl:copy>
  </xsl:template>
  <xsl:template match="x12:platform|x11:platform"/>
</xsl:stylesheet>
