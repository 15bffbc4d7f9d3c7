; corpus/history/2.6.22-i386/2.6.22-i386-write_cr3.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun ESP () (_ BitVec 32))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x805 (bvsub ESP (_ bv4 32))))
(let ((?x92 (bvadd ?x805 (_ bv4 32))))
(let (($x201 (and (distinct ?x92 ESP) true)))
(let (($x521 (and (distinct (_ bv3238002694 32) (_ bv3238002694 32)) true)))
(let (($x925 (and (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (_ bv3254779904 32)) (_ bv65536 32))) (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (bvadd (_ bv3254779904 32) (_ bv3 32))) (_ bv65536 32))))))
(let (($x180 (= TF (_ bv0 1))))
(let (($x37 (= VM (_ bv0 1))))
(let (($x259 (= DF (_ bv0 1))))
(and $x259 $x37 $x180 $x925 (or $x521 $x201)))))))))))
(check-sat)
