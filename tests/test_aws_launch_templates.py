"""Launch template facts: user data as the MIME multi-part archive Batch requires."""

from __future__ import annotations

import email

import pytest

from batchform.aws import launch_templates


@pytest.mark.parametrize(("script", "part_type"), [
    ("#!/bin/bash\necho hi\n", "text/x-shellscript"),
    ("#cloud-config\npackages: [amazon-efs-utils]\n", "text/cloud-config"),
    ("#cloud-boothook\n#!/bin/sh\necho early\n", "text/cloud-boothook"),
])
def test_scripts_are_wrapped_in_one_part(script: str, part_type: str) -> None:
    archive = launch_templates.mime_multipart(script)
    assert archive is not None
    message = email.message_from_string(archive)
    assert message.is_multipart() and message.get_content_type() == "multipart/mixed"
    (part,) = message.get_payload()
    assert part.get_content_type() == part_type
    assert part.get_payload() == script


def test_a_script_without_a_final_newline_ends_before_the_boundary() -> None:
    archive = launch_templates.mime_multipart("#!/bin/sh\ntrue")
    assert archive is not None
    (part,) = email.message_from_string(archive).get_payload()
    assert part.get_payload() == "#!/bin/sh\ntrue\n"


def test_a_boundary_inside_the_script_is_avoided() -> None:
    archive = launch_templates.mime_multipart("#!/bin/sh\necho ==BATCHFORM==\n")
    assert archive is not None
    (part,) = email.message_from_string(archive).get_payload()
    assert "echo ==BATCHFORM==" in part.get_payload()


def test_an_archive_is_kept_as_it_is() -> None:
    archive = 'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="x"\n\n--x--\n'
    assert launch_templates.mime_multipart(archive) == archive


def test_text_of_no_known_format_is_refused() -> None:
    assert launch_templates.mime_multipart("echo hi\n") is None


def test_non_ascii_scripts_say_utf_8() -> None:
    archive = launch_templates.mime_multipart("#!/bin/sh\necho café\n")
    assert archive is not None and 'charset="utf-8"' in archive
