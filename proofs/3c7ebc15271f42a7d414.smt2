; corpus/equivalent/i386-write_cr3.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun ESP () (_ BitVec 32))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x264 (bvsub ESP (_ bv4 32))))
(let ((?x86 (bvadd ?x264 (_ bv4 32))))
(let (($x424 (and (distinct ?x86 ESP) true)))
(let (($x497 (and (distinct (_ bv3238002694 32) (_ bv3238002694 32)) true)))
(let (($x10 (and (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (_ bv3254779904 32)) (_ bv65536 32))) (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (bvadd (_ bv3254779904 32) (_ bv3 32))) (_ bv65536 32))))))
(let (($x172 (= TF (_ bv0 1))))
(let (($x81 (= VM (_ bv0 1))))
(let (($x6 (= DF (_ bv0 1))))
(and $x6 $x81 $x172 $x10 (or $x497 $x424)))))))))))
(check-sat)
