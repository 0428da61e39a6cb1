#include <doctest/doctest.h>

#include "core/storage/s3_messages.h"

using namespace gb;

namespace {
// The one key of a last page: the answer must parse into exactly one
// object, and not be truncated.
std::string only_key(const std::string& xml) {
  auto page = parse_s3_list_page(xml);
  REQUIRE(page);
  REQUIRE(page->objects.size() == 1);
  CHECK_FALSE(page->truncated);
  return page->objects[0].name;
}
}  // namespace

TEST_CASE("s3 list: a page as AWS documents it, with entities in keys") {
  const char* xml = R"(<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>bucket</Name>
  <Prefix/>
  <KeyCount>3</KeyCount>
  <MaxKeys>3</MaxKeys>
  <IsTruncated>true</IsTruncated>
  <Contents>
    <Key>data/a&amp;b&lt;c&gt;&quot;d&apos;</Key>
    <LastModified>2009-10-12T17:50:30.000Z</LastModified>
    <ETag>&quot;fba9dede5f27731c9771645a39863328&quot;</ETag>
    <Size>434234</Size>
    <StorageClass>STANDARD</StorageClass>
  </Contents>
  <Contents><Key>caf&#233; &#x1F600;&#10;</Key><Size>0</Size></Contents>
  <Contents><Key><![CDATA[raw <&> text]]></Key><Size> 12 </Size></Contents>
  <NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>
</ListBucketResult>)";
  auto page = parse_s3_list_page(xml);
  REQUIRE(page);
  REQUIRE(page->objects.size() == 3);
  CHECK(page->objects[0].name == "data/a&b<c>\"d'");
  CHECK(page->objects[0].size == 434234);
  CHECK(page->objects[1].name == "caf\xC3\xA9 \xF0\x9F\x98\x80\n");
  CHECK(page->objects[2].name == "raw <&> text");
  CHECK(page->objects[2].size == 12);
  CHECK(page->truncated);
  CHECK(page->next_continuation_token == "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=");
}

TEST_CASE("s3 list: Swift's s3api answer, last page and namespace prefixes") {
  CHECK(only_key("<?xml version='1.0' encoding='UTF-8'?>\n<s3:ListBucketResult xmlns:s3=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                 "<s3:Name>b</s3:Name><s3:IsTruncated>false</s3:IsTruncated><s3:Contents><s3:Key>k</s3:Key>"
                 "<s3:Size>5</s3:Size></s3:Contents><!-- a comment --></s3:ListBucketResult>") == "k");
  auto empty = parse_s3_list_page("<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>");
  REQUIRE(empty);
  CHECK(empty->objects.empty());
}

TEST_CASE("s3 list: malformed answers are Corrupt, not guessed at") {
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "<a>";
  for (const std::string& xml :
       {std::string("<ListBucketResult><Contents><Key>a</Key><Size>1</Size></Contents>"),
        std::string("<ListBucketResult><Contents><Key>a</Key><Size>-1</Size></Contents></ListBucketResult>"),
        std::string("<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>"), std::string("<Error><Code>x</Code></Error>"),
        std::string("<a></b>"), std::string("<ListBucketResult><Contents><Key>&#xD800;</Key><Size>1</Size></Contents></ListBucketResult>"),
        std::string("<ListBucketResult><Contents><Key>&#x110000;</Key><Size>1</Size></Contents></ListBucketResult>"), std::string(), deep}) {
    CAPTURE(xml.substr(0, 80));
    CHECK(parse_s3_list_page(xml).error().kind == ErrorKind::Corrupt);
  }
}

TEST_CASE("s3 error documents and multipart bodies") {
  auto e = parse_s3_error(
      "<?xml version='1.0' encoding='UTF-8'?>\n<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature "
      "we calculated does not match the signature you provided.</Message><AWSAccessKeyId>test</AWSAccessKeyId></Error>");
  REQUIRE(e);
  CHECK(e->code == "SignatureDoesNotMatch");
  CHECK(e->message == "The request signature we calculated does not match the signature you provided.");
  CHECK_FALSE(parse_s3_error(""));
  CHECK_FALSE(parse_s3_error("<CompleteMultipartUploadResult/>"));

  auto id = parse_s3_upload_id(
      "<InitiateMultipartUploadResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Bucket>b</Bucket><Key>k</Key>"
      "<UploadId>VXBsb2FkIElE</UploadId></InitiateMultipartUploadResult>");
  REQUIRE(id);
  CHECK(*id == "VXBsb2FkIElE");
  CHECK(s3_complete_multipart_body({"\"a\"", "\"b\""}) ==
        "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>\"a\"</ETag></Part>"
        "<Part><PartNumber>2</PartNumber><ETag>\"b\"</ETag></Part></CompleteMultipartUpload>");
  CHECK(s3_complete_multipart_body({"<&>"}) ==
        "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>&lt;&amp;&gt;</ETag></Part></CompleteMultipartUpload>");
}

TEST_CASE("s3 list: attributes with '>' inside, self-closing elements, doctype, text split by CDATA") {
  CHECK(only_key("<!DOCTYPE x [<!ENTITY y 'z'>]><ListBucketResult a='1>2' b = \"q\"><IsTruncated/>"
                 "<Contents><Key>a<![CDATA[<b>]]>c</Key><Size>1</Size></Contents></ListBucketResult>") == "a<b>c");
}
