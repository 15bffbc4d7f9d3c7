; corpus/equivalent/i386-safe_halt.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun ESP () (_ BitVec 32))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x76 (bvsub ESP (_ bv4 32))))
(let ((?x16 (bvadd ?x76 (_ bv4 32))))
(let (($x121 (and (distinct ?x16 ESP) true)))
(let (($x82 (and (distinct (_ bv3238002694 32) (_ bv3238002694 32)) true)))
(let (($x135 (and (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (_ bv3254779904 32)) (_ bv65536 32))) (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (bvadd (_ bv3254779904 32) (_ bv3 32))) (_ bv65536 32))))))
(let (($x63 (= TF (_ bv0 1))))
(let (($x45 (= VM (_ bv0 1))))
(let (($x139 (= DF (_ bv0 1))))
(and $x139 $x45 $x63 $x135 (or $x82 $x121)))))))))))
(check-sat)
