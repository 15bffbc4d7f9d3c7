; corpus/equivalent/i386-wbinvd.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun ESP () (_ BitVec 32))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x14 (bvsub ESP (_ bv4 32))))
(let ((?x167 (bvadd ?x14 (_ bv4 32))))
(let (($x116 (and (distinct ?x167 ESP) true)))
(let (($x166 (and (distinct (_ bv3238002694 32) (_ bv3238002694 32)) true)))
(let (($x99 (and (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (_ bv3254779904 32)) (_ bv65536 32))) (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (bvadd (_ bv3254779904 32) (_ bv3 32))) (_ bv65536 32))))))
(let (($x164 (= TF (_ bv0 1))))
(let (($x136 (= VM (_ bv0 1))))
(let (($x154 (= DF (_ bv0 1))))
(and $x154 $x136 $x164 $x99 (or $x166 $x116)))))))))))
(check-sat)
