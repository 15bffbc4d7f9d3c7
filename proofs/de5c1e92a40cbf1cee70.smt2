; corpus/equivalent/i386-wbinvd.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun ESP () (_ BitVec 32))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x225 (bvsub ESP (_ bv4 32))))
(let ((?x125 (bvadd ?x225 (_ bv4 32))))
(let (($x6 (and (distinct ?x125 ESP) true)))
(let (($x167 (and (distinct (_ bv3238002694 32) (_ bv3238002694 32)) true)))
(let (($x146 (and (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (_ bv3254779904 32)) (_ bv65536 32))) (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (bvadd (_ bv3254779904 32) (_ bv3 32))) (_ bv65536 32))))))
(let (($x179 (= TF (_ bv0 1))))
(let (($x188 (= VM (_ bv0 1))))
(let (($x497 (= DF (_ bv0 1))))
(and $x497 $x188 $x179 $x146 (or $x167 $x6)))))))))))
(check-sat)
