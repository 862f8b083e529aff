"""The kinds of file the placement journey accepts (portal.uploads checks type and size)."""

from portal.uploads import upload_kind

CONTRACT_FILE = upload_kind("placement_contract", "劳动合同、劳务派遣协议或编制本")
CERTIFICATE_IMAGE = upload_kind("placement_certificate", "残疾证件影像")
EVIDENCE_FILE = upload_kind("placement_evidence", "安置月份证明材料")
DEGREE_FILE = upload_kind("placement_degree", "学历学位证明")
FEEDBACK_FILE = upload_kind("placement_feedback", "年审认证反馈附件")
DEREGISTRATION_FORM = upload_kind("placement_deregistration", "注销业务申请书（盖章）")
